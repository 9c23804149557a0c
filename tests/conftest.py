import os
from pathlib import Path

import pytest

# The evaluation sets (needs and their relevance judgements) are not shipped: they are read from
# ../shared/eval, or from $TECHMAYOR_SHARED_DIR/eval, and the tests needing them skip when absent.
# Every other data set ships with the platform in techmayor/data.
SHARED_DIR = Path(os.environ.get("TECHMAYOR_SHARED_DIR") or Path(__file__).resolve().parents[2] / "shared")
EVAL_DIR = SHARED_DIR / "eval"


@pytest.fixture
def eval_dir() -> Path:
    """The evaluation sets' directory; tests that need it skip when it is absent."""
    if not (EVAL_DIR / "needs_dev.qrels").is_file():
        pytest.skip(f"evaluation sets not found at {EVAL_DIR}")
    return EVAL_DIR

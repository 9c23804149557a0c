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


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the platform's language: a request of an earlier test in the same process may
    have activated another one (the locale middleware leaves the thread's language as the request set it)."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def scorecard_cells_stay_exact(request):
    """After every test that used the database, the scorecard's cells equal what the records count."""
    yield
    if not ({"db", "transactional_db", "django_db_setup"} & set(request.fixturenames)) and not (
        request.node.get_closest_marker("django_db")
    ):
        return
    from techmayor.scorecard import rollup

    try:
        problems = rollup.verify()
    except RuntimeError:  # the database is no longer reachable from this test (e.g. its blocker closed)
        return
    assert problems == [], "scorecard cells differ from the records:\n" + "\n".join(problems[:20])

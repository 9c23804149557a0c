from pathlib import Path

import pytest
from django.conf import settings


@pytest.fixture
def shared_data() -> Path:
    """The read-only data sets in ../shared/data; tests that need them skip when absent."""
    path = Path(settings.SHARED_DIR) / "data"
    if not path.is_dir():
        pytest.skip(f"shared data sets not found at {path}")
    return path

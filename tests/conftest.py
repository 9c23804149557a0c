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

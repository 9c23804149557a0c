"""Jobs at scale: huey's Redis storage and a real worker process (``techmayor run_huey``) running the
platform's own tasks against the test database. Runs when ``.ci/run`` sets TEST_JOBS_ON_REDIS=1 and
REDIS_URL (it starts Redis on 127.0.0.1:6379 when none runs); skipped otherwise."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection
from huey.contrib.djhuey import HUEY

from techmayor.core.models import Job, JobStatus
from techmayor.matchmaking import services
from techmayor.matchmaking.tasks import index_build_task
from techmayor.needs.models import Need
from tests.needs.world import build_world

pytestmark = [
    pytest.mark.skipif(not os.environ.get("TEST_JOBS_ON_REDIS"), reason="TEST_JOBS_ON_REDIS is not set"),
    pytest.mark.django_db(transaction=True),  # the worker sees committed rows only
]


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(index_dir):
    """A real ``techmayor run_huey`` on this test's queue and database; jobs no longer run in-process."""
    HUEY.immediate = False
    HUEY.flush()
    environ = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "techmayor.config.settings",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "JOBS_QUEUE": HUEY.name,
        "JOBS_IMMEDIATE": "0",
        "MATCHING_INDEX_DIR": str(index_dir),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "techmayor.config.cli", "run_huey", "--workers", "2", "--quiet"], env=environ
    )
    yield process
    process.terminate()
    process.wait(timeout=30)
    HUEY.flush()
    HUEY.immediate = True


def _wait(job: Job, timeout: float = 90) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job.pk} not finished in {timeout} s: {job.status} {job.message}")


def test_an_index_build_goes_through_redis_to_a_worker(pool, worker):
    build_world()
    job = services.index_build_submit()
    assert HUEY.storage.__class__.__name__ == "RedisStorage"
    job = _wait(job)
    assert job.status == JobStatus.DONE, job.message
    assert job.message.startswith("索引已建立：30 条成果")
    assert job.done == job.total == Need.objects.count()
    assert worker.poll() is None  # the worker goes on


def test_a_failing_job_is_recorded_by_the_worker(worker):
    job = Job.objects.create(kind=services.INDEX_JOB, label="重建匹配索引")
    index_build_task(job.pk)  # queued while the pool is empty (emptied after the submit's check)
    job = _wait(job)
    assert job.status == JobStatus.FAILED and job.message.startswith("资源池中还没有科技成果")

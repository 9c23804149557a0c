"""Background jobs as users see them: one at a time per kind, progress, failures in Chinese."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from techmayor.core.errors import ApplicationError
from techmayor.core.jobs import STALE_AFTER, job_run, job_submit
from techmayor.core.models import Job, JobStatus

pytestmark = pytest.mark.django_db

ran: list[tuple[int, dict]] = []


def task(job_id: int, **kwargs) -> None:
    ran.append((job_id, kwargs))


@pytest.fixture(autouse=True)
def _clear():
    ran.clear()


def test_a_job_is_queued_after_commit_and_only_once_per_kind(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_submit(kind="k", label="任务", task=task, size=3)
        again = job_submit(kind="k", label="任务", task=task)
        other = job_submit(kind="other", label="另一个", task=task)
    assert again == job and other != job
    assert ran == [(job.pk, {"size": 3}), (other.pk, {})]
    assert job.status == JobStatus.QUEUED


def test_a_silent_job_is_taken_for_dead(django_capture_on_commit_callbacks):
    old = job_submit(kind="k", label="任务", task=task)
    Job.objects.filter(pk=old.pk).update(updated_at=timezone.now() - STALE_AFTER - timedelta(minutes=1))
    assert job_submit(kind="k", label="任务", task=task) != old


def test_progress_and_the_outcome_are_recorded():
    job = Job.objects.create(kind="k", label="任务")
    with job_run(job.pk) as progress:
        progress.total(200)
        progress.stage("第一步")
        progress(50)
        progress(120)  # within the interval: not written yet
        assert Job.objects.get(pk=job.pk).done in (0, 50, 120)
        assert Job.objects.get(pk=job.pk).status == JobStatus.RUNNING
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.message) == (JobStatus.DONE, 200, 200, "第一步")
    assert job.started_at <= job.finished_at
    assert job.is_finished and job.fraction == 1.0


def test_failures_are_recorded_in_chinese_not_raised(caplog):
    job = Job.objects.create(kind="k", label="任务")
    with job_run(job.pk):
        raise ApplicationError("资源池为空")
    job.refresh_from_db()
    assert (job.status, job.message) == (JobStatus.FAILED, "资源池为空")

    crash = Job.objects.create(kind="k", label="任务")
    with job_run(crash.pk):
        raise RuntimeError("boom")
    crash.refresh_from_db()
    assert crash.status == JobStatus.FAILED and crash.message.startswith("内部错误")
    assert "boom" not in crash.message and "boom" in caplog.text


def test_a_deleted_job_runs_nothing():
    with job_run(999_999) as progress:
        assert progress is None
    assert not Job.objects.exists()

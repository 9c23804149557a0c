"""Background jobs: a :class:`~techmayor.core.models.Job` row users can watch, and the work in
the huey queue (docs/decisions/0005-background-jobs.md).

* :func:`job_submit` records the job and enqueues its task once the transaction commits; an
  unfinished job of the same kind is returned instead of starting a second one.
* Inside the task, :func:`job_run` marks the job running, gives the work a :class:`Progress`
  to report to, and records the outcome — done with a message, or failed with the Chinese error
  (an unexpected exception is logged and shown as 内部错误, never as a traceback).

* When a job ends, :data:`job_finished` is sent (the reminders app tells whoever started it);
  an app names the page where its jobs are watched with :func:`register_job_page`.

The queue is SQLite-backed by default (a file in ``VAR_DIR``, no server to run), Redis when
``REDIS_URL`` is set; tests run tasks immediately, in-process.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.dispatch import Signal
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from .errors import ApplicationError
from .models import Job, JobStatus

log = logging.getLogger(__name__)

STALE_AFTER = timedelta(hours=6)  # an unfinished job silent this long is taken for dead

# Sent with ``job=`` when a job is done or has failed (after its row is saved).
job_finished = Signal()

_JOB_PAGES: dict[str, str] = {}


def register_job_page(kind: str, url_name: str) -> None:
    """The page (a URL name without arguments) where jobs of ``kind`` are watched."""
    _JOB_PAGES[kind] = url_name


def job_page(job: Job) -> str:
    """The URL of the page watching ``job``'s kind ("" when none is registered)."""
    try:
        return reverse(_JOB_PAGES[job.kind]) if job.kind in _JOB_PAGES else ""
    except NoReverseMatch:
        return ""


def job_active(kind: str) -> Job | None:
    """The unfinished job of ``kind`` (queued or running, heard from within ``STALE_AFTER``)."""
    return (
        Job.objects.filter(
            kind=kind,
            status__in=[JobStatus.QUEUED, JobStatus.RUNNING],
            updated_at__gte=timezone.now() - STALE_AFTER,
        )
        .order_by("-created_at")
        .first()
    )


def job_submit(*, kind: str, label: str, task: Callable, by=None, **kwargs) -> Job:
    """Record a job and enqueue ``task(job_id, **kwargs)`` after the transaction commits.
    ``label`` is a msgid marked with ``gettext_noop`` (shown in each reader's language).

    When a job of the same kind is already queued or running, that job is returned and nothing
    new is enqueued (two index builds at once would only waste a worker)."""
    with transaction.atomic():
        active = job_active(kind)
        if active is not None:
            return active
        job = Job.objects.create(
            kind=kind,
            label=label,
            language=translation.get_language() or "",
            created_by=by if getattr(by, "pk", None) else None,
        )
        transaction.on_commit(lambda: task(job.pk, **kwargs))
    return job


class Progress:
    """What a job's work reports to: ``total(n)``, ``stage(message)``, ``__call__(done)``.
    Writes at most every ``interval`` seconds; the final count is written when the job ends."""

    def __init__(self, job: Job, interval: float = 1.0) -> None:
        self.job = job
        self.interval = interval
        self._last = 0.0

    def total(self, n: int | None) -> None:
        self.job.total = n
        self.job.done = 0
        self._save(force=True)

    def stage(self, message: str) -> None:
        self.job.message = message[:300]
        self._save(force=True)

    def __call__(self, done: int) -> None:
        self.job.done = max(0, int(done))
        self._save()

    def _save(self, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._last >= self.interval:
            self._last = now
            self.job.save(update_fields=["total", "done", "message", "updated_at"])


@contextmanager
def job_run(job_id: int):
    """Run a job's work: ``with job_run(job_id) as progress: …``. Yields None when the job no
    longer exists (deleted meanwhile); failures are recorded, not raised."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        yield None
        return
    job.status = JobStatus.RUNNING
    job.started_at = timezone.now()
    job.save(update_fields=["status", "started_at", "updated_at"])
    progress = Progress(job)
    # The job's messages are written in the language of whoever started it.
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            yield progress
        except ApplicationError as exc:
            _finish(job, JobStatus.FAILED, exc.message)
        except Exception:
            log.exception("job %s (%s) failed", job.pk, job.kind)
            _finish(job, JobStatus.FAILED, gettext("内部错误，详情见服务器日志"))
        else:
            if job.total is not None:
                job.done = job.total
            _finish(job, JobStatus.DONE, job.message)


def _finish(job: Job, status: str, message: str) -> None:
    job.status = status
    job.message = (message or "")[:300]
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "message", "done", "finished_at", "updated_at"])
    for receiver, result in job_finished.send_robust(sender=Job, job=job):
        if isinstance(result, Exception):  # a reminder that failed must not fail the job
            log.error("job %s: %s failed: %r", job.pk, receiver, result)

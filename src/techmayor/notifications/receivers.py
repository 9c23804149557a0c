"""Reminders for events announced by signals of the apps below (``core`` cannot import this app):
a background job that finished or failed tells the person who started it."""

from __future__ import annotations

from django.dispatch import receiver
from django.utils.translation import gettext_noop

from techmayor.core.jobs import job_finished, job_page
from techmayor.core.models import JobStatus

from .choices import NotificationKind
from .services import notify


@receiver(job_finished, dispatch_uid="notifications.job_finished")
def job_finished_notify(sender, job, **kwargs) -> None:
    if job.created_by_id is None:  # started from the command line or by the system: nobody to tell
        return
    if job.status == JobStatus.DONE:
        message = gettext_noop("后台任务「%(label)s」已完成：%(message)s")
    else:
        message = gettext_noop("后台任务「%(label)s」失败：%(message)s")
    notify(
        recipients=[job.created_by],
        kind=NotificationKind.JOB,
        key=f"job:{job.pk}:{job.status}",
        message=message,
        params={"label": job.label, "message": job.message or "—", "_translate": ["label"]},
        url=job_page(job),
    )

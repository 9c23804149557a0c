"""Background jobs of reminders (huey; found by ``huey.contrib.djhuey``'s autodiscovery)."""

from __future__ import annotations

from django.conf import settings
from huey.contrib.djhuey import db_periodic_task, db_task

from . import mail
from .schedule import local_crontab


@db_task()
def notification_email_task(ids: list[int]) -> None:
    """E-mail these messages at once (each only once: ``mail`` claims it before sending)."""
    mail.send_now(ids)


@db_periodic_task(local_crontab(hour=settings.NOTIFICATION_DIGEST_HOUR, minute=0))
def notification_digest_task() -> None:
    """Every morning: one e-mail per person with the messages they chose to get as a daily digest."""
    mail.send_digests()


@db_periodic_task(local_crontab(minute="*/15"))
def notification_retry_task() -> None:
    """Every quarter of an hour: e-mails that failed or were never queued are tried again."""
    mail.send_retries()

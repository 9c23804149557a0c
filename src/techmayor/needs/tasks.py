"""Background jobs of the need loop (huey; found by ``huey.contrib.djhuey``'s autodiscovery)."""

from __future__ import annotations

from huey.contrib.djhuey import db_periodic_task

from techmayor.notifications.schedule import local_crontab

from . import notices


@db_periodic_task(local_crontab(hour=7, minute=0))
def stale_needs_remind_task() -> None:
    """Every morning: owners of needs with no progress for 30 (and 45) days are reminded."""
    notices.stale_needs_remind()

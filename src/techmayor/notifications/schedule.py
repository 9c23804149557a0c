"""Periodic jobs on the installation's clock: huey matches ``crontab`` against UTC (its default,
``utc=True``); ``local_crontab`` matches the local time of ``TIME_ZONE`` (Asia/Shanghai) instead,
so "08:00" means eight in the morning where the users are."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from huey import crontab


def local_crontab(**fields):
    match = crontab(**fields)

    def validate(timestamp: dt.datetime) -> bool:
        if timestamp.tzinfo is None:  # huey's naive UTC
            timestamp = timestamp.replace(tzinfo=dt.UTC)
        local = timestamp.astimezone(ZoneInfo(settings.TIME_ZONE)).replace(tzinfo=None)
        return match(local)

    return validate

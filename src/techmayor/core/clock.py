"""The platform's business day: what "today" and "now" mean for defaults, validation and staleness.

An installation may pin the day (``settings.TECHMAYOR_TODAY``, from the ``TECHMAYOR_TODAY`` environment
variable or the demo's pin, see decision 0008): the demo of a batch that ended in 2022 then lives on
its own date. Without a pin the business day is the real one. Audit timestamps, job bookkeeping and
file names on disk keep the real clock (``django.utils.timezone``); everything that means "the
present" to a user (date defaults, "no later than today", "no progress for 30 days", "this month",
reference numbers, the need timeline) goes through this module.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _


def pinned_day() -> dt.date | None:
    """The pinned business day, or None when the installation follows the real calendar."""
    return settings.TECHMAYOR_TODAY


def today() -> dt.date:
    """The business day: the pinned day, else the real local date."""
    return pinned_day() or timezone.localdate()


def now() -> dt.datetime:
    """The business moment: the real local time of day on the business day (real now when unpinned)."""
    real = timezone.localtime()
    day = pinned_day()
    if day is None:
        return real
    return timezone.make_aware(dt.datetime.combine(day, real.time().replace(tzinfo=None)))


def check_not_future(instance, *fields: str) -> None:
    """Refuse a date later than today on a record of work already done (a ``clean()`` helper).

    Raises a ValidationError keyed by each offending field, so the message names the field.
    """
    day = today()
    errors = {}
    for name in fields:
        value = getattr(instance, name)
        if value is not None and value > day:
            errors[name] = _("%(date)s 晚于今天（%(today)s）：已发生的工作不能填写未来的日期") % {
                "date": value,
                "today": day,
            }
    if errors:
        raise ValidationError(errors)

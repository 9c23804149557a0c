"""Date defaults: the business day, never after today, clamped into the batch's term (pinned or not)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from techmayor.roster.models import Batch
from techmayor.roster.selectors import reference_day

TERM = (dt.date(2021, 8, 1), dt.date(2022, 5, 31))  # the demo batch's term


def batch(start=TERM[0], end=TERM[1]) -> Batch:
    return Batch(number=14, start_date=start, end_date=end)


@pytest.mark.parametrize(
    ("real", "expected"),
    [
        (dt.date(2026, 12, 7), TERM[1]),  # the batch ended: its end date
        (dt.date(2021, 6, 1), TERM[0]),  # not started yet: its start date
        (dt.date(2022, 1, 10), dt.date(2022, 1, 10)),  # within the term: today
    ],
)
def test_unpinned_the_default_is_today_clamped_into_the_term(settings, real, expected):
    settings.TECHMAYOR_TODAY = None
    with time_machine.travel(dt.datetime.combine(real, dt.time(10)), tick=False):
        assert reference_day(batch()) == expected


@pytest.mark.parametrize(
    ("pin", "expected"),
    [
        (dt.date(2022, 5, 11), dt.date(2022, 5, 11)),  # the demo's day, whatever the real date
        (dt.date(2023, 3, 1), TERM[1]),
        (dt.date(2020, 3, 1), TERM[0]),
    ],
)
def test_pinned_the_default_is_the_pinned_day_clamped_into_the_term(settings, pin, expected):
    settings.TECHMAYOR_TODAY = pin
    assert reference_day(batch()) == expected


def test_a_given_day_is_kept_within_the_term_and_never_after_today(settings):
    settings.TECHMAYOR_TODAY = dt.date(2022, 5, 11)
    assert reference_day(batch(), dt.date(2021, 9, 3)) == dt.date(2021, 9, 3)
    assert reference_day(batch(), dt.date(2026, 12, 7)) == dt.date(2022, 5, 11)  # e.g. a lead entered in 2026
    assert reference_day(batch(), dt.date(2020, 1, 1)) == TERM[0]

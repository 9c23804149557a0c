"""A need with no progress: its owner is reminded at 30 days and again at 45, on the business clock
(``core.clock``, pinned with ``TECHMAYOR_TODAY``), once per spell without progress."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import override_settings

from techmayor.needs.choices import NeedState
from techmayor.needs.models import Need
from techmayor.needs.notices import stale_needs_remind
from techmayor.needs.services import need_progress_add
from techmayor.needs.tasks import stale_needs_remind_task
from techmayor.notifications.choices import NotificationKind
from techmayor.notifications.models import Notification
from techmayor.notifications.schedule import local_crontab
from tests.needs.world import build_world

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
CLAIMED = dt.datetime(2022, 1, 10, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def seven_in_the_morning():
    """The periodic job runs at 07:00; the business clock keeps the real time of day on the pinned day."""
    with time_machine.travel(dt.datetime(2030, 1, 1, 7, 0, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def claimed(world):
    need = world.place("ly", NeedState.CLAIMED)
    Need.objects.filter(pk=need.pk).update(last_progress_at=CLAIMED)
    return need


def on(day: dt.date):
    return override_settings(TECHMAYOR_TODAY=day)


def reminders(user) -> list[str]:
    return [n.text for n in Notification.objects.filter(recipient=user, kind=NotificationKind.STALE).order_by("id")]


def test_reminded_at_30_days_and_again_at_45_once_each(world, claimed):
    owner = world.users["owner"]
    for days, expected in ((29, 0), (30, 0), (31, 1), (32, 0), (44, 0), (45, 0), (46, 1), (60, 0)):
        with on(CLAIMED.date() + dt.timedelta(days=days)):
            assert stale_needs_remind() == expected, days
    assert reminders(owner) == [
        "你负责的需求「电池低温续航不足」已超过30天未更新，请填报进展",
        "你负责的需求「电池低温续航不足」已超过45天未更新，请尽快填报进展",
    ]
    assert not Notification.objects.exclude(recipient=owner).exists()  # the owner's need, the owner's reminder


def test_progress_starts_a_new_spell(world, claimed):
    owner = world.users["owner"]
    with on(dt.date(2022, 2, 11)):
        assert stale_needs_remind() == 1
        need_progress_add(
            need=claimed, member=world.members["owner"], date=dt.date(2022, 2, 11), current_status="已联系专家"
        )
        assert stale_needs_remind() == 0
    with on(dt.date(2022, 3, 13)):  # 30 days after the progress: not yet
        assert stale_needs_remind() == 0
    with on(dt.date(2022, 3, 14)):
        assert stale_needs_remind() == 1
    assert len(reminders(owner)) == 2


def test_a_need_found_past_45_days_gets_only_the_45_day_reminder(world, claimed):
    with on(CLAIMED.date() + dt.timedelta(days=50)):
        stale_needs_remind_task()  # the periodic job, run at once in tests
    assert reminders(world.users["owner"]) == ["你负责的需求「电池低温续航不足」已超过45天未更新，请尽快填报进展"]
    with on(CLAIMED.date() + dt.timedelta(days=70)):
        assert stale_needs_remind() == 0


def test_only_claimed_needs_with_an_owner_who_logs_in(world, claimed):
    Need.objects.filter(pk=claimed.pk).update(state=NeedState.COMPLETION_SUBMITTED)
    with on(CLAIMED.date() + dt.timedelta(days=40)):
        assert stale_needs_remind() == 0
    Need.objects.filter(pk=claimed.pk).update(state=NeedState.CLAIMED)
    world.members["owner"].user = None
    world.members["owner"].save()
    with on(CLAIMED.date() + dt.timedelta(days=40)):
        assert stale_needs_remind() == 0


def test_the_real_calendar_when_nothing_is_pinned(world, claimed):
    with on(None):
        assert stale_needs_remind() == 1  # 2022 is long past
    assert reminders(world.users["owner"])[0].endswith("已超过45天未更新，请尽快填报进展")


def test_periodic_jobs_run_at_local_time():
    """huey hands periodic jobs the UTC time; the schedule is read in Asia/Shanghai."""
    eight = local_crontab(hour=8, minute=0)
    assert eight(dt.datetime(2022, 5, 11, 0, 0))  # 00:00 UTC is 08:00 in Shanghai
    assert not eight(dt.datetime(2022, 5, 11, 8, 0))
    assert eight(dt.datetime(2022, 5, 11, 0, 0, tzinfo=dt.UTC))

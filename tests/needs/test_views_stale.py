"""Stale needs (claimed, no progress for 30 days) with frozen time, and the to-do lists of the home page."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from techmayor.needs.choices import NeedState as S
from techmayor.needs.models import Need
from techmayor.needs.selectors import need_list, need_todos
from techmayor.needs.services import need_claim, need_progress_add, need_transition
from tests.needs.world import build_world

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
CLAIMED_AT = dt.datetime(2022, 1, 10, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def claimed(world):
    with time_machine.travel(CLAIMED_AT, tick=False):
        need = world.place("ly", S.PUBLISHED)
        need = need_claim(need=need, member=world.members["owner"])
    return need


def todos(user) -> dict[str, tuple[int, str]]:
    return {item["label"]: (item["count"], item["url"]) for item in need_todos(user=user)}


def test_a_claimed_need_turns_stale_after_30_days_without_progress(client, world, claimed):
    owner, admin = world.users["owner"], world.users["admin"]
    with time_machine.travel(CLAIMED_AT + dt.timedelta(days=29, hours=23), tick=False):
        assert not Need.objects.get(pk=claimed.pk).is_stale
        assert not need_list(user=owner, filters={"stale": "1"}).exists()
        assert "我负责的需求超过30天未更新" not in todos(owner)
    with time_machine.travel(CLAIMED_AT + dt.timedelta(days=30, minutes=1), tick=False):
        assert Need.objects.get(pk=claimed.pk).is_stale
        assert list(need_list(user=owner, filters={"stale": "1"})) == [claimed]
        assert list(need_list(user=owner, filters={"stale": "0"})) == []
        count, url = todos(owner)["我负责的需求超过30天未更新"]
        assert count == 1
        client.force_login(owner)
        page = client.get(url).content.decode()
        assert f'href="/needs/{claimed.pk}/"' in page and "超30天未更新" in page
        assert "已超过30天没有填报进展" in client.get(reverse("needs:need_detail", args=[claimed.pk])).content.decode()
        assert todos(admin)["超过30天未更新的需求"][0] == 1
        assert todos(world.users["group_leader"])["溧阳团超过30天未更新的需求"][0] == 1
        # Nobody outside the scope is told about it.
        assert "超过30天未更新的需求" not in todos(world.users["member"])
        # Progress clears the flag.
        need_progress_add(
            need=claimed, member=world.members["owner"], date=dt.date(2022, 2, 9), current_status="已联系专家"
        )
        assert not Need.objects.get(pk=claimed.pk).is_stale
        assert "我负责的需求超过30天未更新" not in todos(owner)


def test_only_claimed_needs_are_stale(world, claimed):
    with time_machine.travel(CLAIMED_AT + dt.timedelta(days=60), tick=False):
        need = need_transition(need=claimed, action="submit_completion", solution="方案")
        assert need.state == S.COMPLETION_SUBMITTED and not need.is_stale
        assert not need_list(user=world.users["admin"], filters={"stale": "1"}).exists()


def test_todos_for_each_role(world):
    for key in ("ly", "jt"):
        world.place(key, S.PENDING)
    world.place("wx", S.PENDING)
    world.places["ly"].keep.state = S.VERIFIED
    Need.objects.filter(pk=world.places["ly"].keep.pk).update(state=S.VERIFIED)

    town = todos(world.users["town"])
    assert town["待核实的需求"] == (1, reverse("needs:need_list") + "?state=pending")
    admin = todos(world.users["admin"])
    assert admin["待审核发布的需求"][0] == 1
    assert "待核实的需求" not in admin  # admins review; towns verify
    assert todos(world.users["leader"]) == {}
    assert todos(world.users["nobody"]) == {}

    world.place("ly", S.COMPLETED)  # with an outcome round waiting
    assert todos(world.users["admin"])["有待审核成效的需求"][0] == 1
    world.place("ly", S.CLAIMED)  # the invitee is invited, the requester waits for the owner
    assert todos(world.users["invitee"])["待回复的协同邀请"][0] == 1
    assert todos(world.users["owner"])["待处理的协同申请"][0] == 1
    assert todos(world.users["owner"])["我负责的需求（对接中）"][0] == 1
    for items in (todos(world.users[r]) for r in ("owner", "admin", "town")):
        for count, url in items.values():
            assert count > 0 and url.startswith("/needs/")

"""The need and cooperation funnels, counted from records with known timelines.

The dashboards read the funnels from the scorecard's cells; the suite's autouse check
(``rollup.verify``) holds those equal to the records after every test, these included.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from techmayor.accounts.choices import Role
from techmayor.accounts.services import role_grant, user_create
from techmayor.cooperation import services as coop
from techmayor.cooperation.models import Agreement
from techmayor.core.services import restore_record, withdraw_record
from techmayor.dashboards.selectors import _median_days, funnels
from techmayor.needs import services as needs
from techmayor.needs.choices import NeedAction, NeedState
from techmayor.needs.models import Need, NeedTransition
from techmayor.needs.state_machine import MAIN_PATH, rank
from tests.factories import EnterpriseFactory, GroupFactory, UniversityFactory, member_in

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2021, 9, 1, 9, tzinfo=timezone.get_current_timezone())


def days(n: float) -> dt.datetime:
    return T0 + dt.timedelta(days=n)


@pytest.fixture
def group():
    return GroupFactory()


def need(group, member, title, *, state=NeedState.PENDING):
    made = needs.need_create(
        batch=group.batch,
        group=group,
        enterprise=EnterpriseFactory(),
        title=title,
        description=title,
        date=dt.date(2021, 9, 1),
        members=[member],
        state=state,
    )
    Need.objects.filter(pk=made.pk).update(created_at=T0)
    made.refresh_from_db()
    return made


def move(n, action, at, **kw):
    return needs.need_transition(need=n, action=action, at=at, **kw)


@pytest.fixture
def timelines(group):
    """Four needs collected (and a merged duplicate that is not), each with a known timeline."""
    member = member_in(group)
    done = need(group, member, "走完全程")  # pending 2d, verified 3d, published 10d, claimed 10d, submitted 2d
    move(done, NeedAction.VERIFY, days(2))
    move(done, NeedAction.PUBLISH, days(5))
    needs.need_claim(need=done, member=member, at=days(15))
    needs.need_submit_completion(need=done, solution="对接高校团队", at=days(25))
    needs.need_approve_completion(need=done, at=days(27))
    returned = need(group, member, "核实后退回")  # pending 4d, verified 2d, then returned
    move(returned, NeedAction.VERIFY, days(4))
    move(returned, NeedAction.RETURN, days(6), reason="信息不全")
    direct = need(group, member, "管理员直接发布", state=NeedState.PUBLISHED)  # published 20d, then claimed
    needs.need_claim(need=direct, member=member, at=days(20))
    cancelled = need(group, member, "取消")  # pending 1d
    move(cancelled, NeedAction.CANCEL, days(1), reason="企业已自行解决")
    duplicate = need(group, member, "重复")
    needs.need_merge(need=duplicate, into=done, at=days(30))
    return {"done": done, "returned": returned, "direct": direct, "cancelled": cancelled}


def test_need_funnel_counts_the_needs_that_reached_each_step(group, timelines):
    funnel = funnels(group.batch, [group], whole_batch=True)["need"]
    steps = {s["state"]: s for s in funnel["steps"]}
    assert [(s["state"], s["count"]) for s in funnel["steps"]] == [
        ("collected", 4),
        ("verified", 3),  # the returned one was verified; the directly published one passed it
        ("published", 2),
        ("claimed", 2),
        ("completed", 1),
    ]
    assert steps["collected"]["lost_share"] is None
    assert steps["verified"]["lost_share"] == pytest.approx(0.25)
    assert steps["published"]["lost_share"] == pytest.approx(1 / 3)
    assert steps["claimed"]["lost_share"] == 0
    assert steps["completed"]["lost_share"] == pytest.approx(0.5)


def test_need_funnel_gives_the_median_days_of_the_stays_that_ended(group, timelines):
    funnel = funnels(group.batch, [group], whole_batch=True)["need"]
    medians = {d["state"]: (d["median_days"], d["stays"]) for d in funnel["days"]}
    assert medians == {
        NeedState.PENDING: (2.0, 3),  # 2, 4, 1 (the merged duplicate is not a collected need)
        NeedState.VERIFIED: (2.5, 2),  # 3, 2
        NeedState.PUBLISHED: (15.0, 2),  # 10, 20 (the direct one from its creation)
        NeedState.CLAIMED: (10.0, 1),  # the direct one is still claimed: not an ended stay
        NeedState.COMPLETION_SUBMITTED: (2.0, 1),
    }


def test_need_funnel_of_nothing_is_zero_without_dividing_by_zero(group):
    funnel = funnels(group.batch, [group], whole_batch=True)["need"]
    assert [s["count"] for s in funnel["steps"]] == [0, 0, 0, 0, 0]
    assert [s["lost_share"] for s in funnel["steps"]][1:] == [0.0, 0.0, 0.0, 0.0]
    assert all(d["median_days"] is None for d in funnel["days"])


def test_each_step_links_to_the_need_list_filtered_to_the_same_needs(client, group, timelines):
    admin = user_create(username="admin", password="pw-123456", must_change_password=False)
    role_grant(user=admin, role=Role.CITY_ADMIN, region=group.batch.city)
    client.force_login(admin)
    steps = funnels(group.batch, [group], whole_batch=True)["need"]["steps"]
    for step in steps:
        response = client.get(step["url"])
        assert response.status_code == 200
        listed = response.context["page"].paginator.count if "page" in response.context else None
        if listed is None:
            listed = response.context["total"]
        assert listed == step["count"], step["state"]
    assert steps[1]["url"].startswith(reverse("needs:need_list"))


def test_cooperation_funnel_follows_agreements_to_their_intents_and_receipts(client, group):
    member = member_in(group)
    batch, university = group.batch, UniversityFactory()
    base = {"batch": batch, "group": group, "members": [member], "university": university}

    def intent(title):
        return coop.intent_create(title=title, enterprise=EnterpriseFactory(), date=dt.date(2021, 9, 1), **base)

    def agreement(title, source=None, amount="100"):
        return coop.agreement_sign(
            title=title,
            enterprise=EnterpriseFactory(),
            contract_amount_wan=amount,
            date=dt.date(2021, 10, 1),
            intent=source,
            **base,
        )

    paid, signed, idle = intent("已到账"), intent("已签约"), intent("未签约")
    first = agreement("协议一", paid)
    agreement("协议二", paid)  # a second agreement from the same intent counts the intent once
    agreement("协议三", signed)
    agreement("无意向的协议")
    coop.agreement_receipt_add(agreement=first, date=dt.date(2021, 11, 1), amount_wan="40")
    assert idle.agreements.count() == 0

    steps = funnels(batch, [group], whole_batch=True)["cooperation"]
    assert {s["state"]: s["count"] for s in steps} == {"intents": 3, "agreement": 2, "received": 1}
    assert [(s["count"], s["lost_text"]) for s in steps] == [(3, "—"), (2, "33%"), (1, "50%")]

    admin = user_create(username="admin", password="pw-123456", must_change_password=False)
    role_grant(user=admin, role=Role.CITY_ADMIN, region=batch.city)
    client.force_login(admin)
    for step in steps:
        assert client.get(step["url"]).context["page"].paginator.count == step["count"]

    # A withdrawn agreement (作废) no longer carries its intent to the next step; restored, it does again.
    counted = lambda: [s["count"] for s in funnels(batch, [group], whole_batch=True)["cooperation"]]  # noqa: E731
    withdraw_record(first, by=admin, reason="录入错误")
    assert counted() == [3, 2, 0]  # paid still has 协议二, without money received
    withdraw_record(signed.agreements.get(), by=admin, reason="录入错误")
    assert counted() == [3, 1, 0]
    restore_record(Agreement.all_objects.get(pk=first.pk), by=admin)
    assert counted() == [3, 1, 1]  # 协议三 stays withdrawn


def _reached_from_timeline(need: Need) -> int:
    """The definition of "reached": the furthest state of the main path held now or on the timeline."""
    held = {need.state}
    for step in need.transitions.all():
        held |= {step.from_state, step.to_state}
    return max(rank(state) for state in held)


def test_a_withdrawn_need_leaves_the_funnel_with_its_stays(group, timelines):
    admin = user_create(username="admin", password="pw-123456", must_change_password=False)
    withdraw_record(timelines["done"], by=admin, reason="重复录入")
    funnel = funnels(group.batch, [group], whole_batch=True)["need"]
    assert [s["count"] for s in funnel["steps"]] == [3, 2, 1, 1, 0]
    assert {d["state"]: d["stays"] for d in funnel["days"]}["completion_submitted"] == 0
    restore_record(Need.all_objects.get(pk=timelines["done"].pk), by=admin)
    assert [s["count"] for s in funnels(group.batch, [group], whole_batch=True)["need"]["steps"]] == [4, 3, 2, 2, 1]


def test_each_need_keeps_how_far_it_got_equal_to_its_timeline(group, timelines):
    for need in Need.objects.all():
        assert need.reached == _reached_from_timeline(need), need.title
    assert Need.objects.get(title="核实后退回").state == NeedState.RETURNED
    assert Need.objects.get(title="核实后退回").reached == rank(NeedState.VERIFIED)


def test_a_step_entered_after_the_fact_recounts_the_stays_after_it(group):
    member = member_in(group)
    n = need(group, member, "补录")
    move(n, NeedAction.VERIFY, days(10))
    move(n, NeedAction.PUBLISH, days(12))
    late = needs.need_claim(need=n, member=member, at=days(11))  # dated before the step entered before it
    stays = [(t.from_state, t.stay_tenths) for t in late.transitions.order_by("at", "id")]
    assert stays == [("pending", 100), ("published", 10), ("verified", 10)]  # each from the step before it
    assert funnels(group.batch, [group], whole_batch=True)["need"]["days"][2]["median_days"] == 1.0


@pytest.mark.parametrize(
    ("histogram", "median"),
    [
        ({}, None),
        ({"20": 1}, 2.0),
        ({"20": 1, "40": 1}, 3.0),  # even: the mean of the two middle stays
        ({"20": 1, "25": 1}, 2.2),  # 2.25 to one decimal, rounded half to even as Python's round
        ({"10": 2, "30": 1}, 1.0),
        ({"5": 1, "50": 3, "900": 1}, 5.0),
    ],
)
def test_the_median_of_a_histogram_of_stays(histogram, median):
    assert _median_days(histogram) == median


def test_the_funnels_read_cells_whatever_the_number_of_needs(group, timelines):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            funnels(group.batch, [group], whole_batch=True)
        return len(captured)

    funnels(group.batch, [group], whole_batch=True)  # cells built
    before = queries()
    member = member_in(group)
    for i in range(5):
        move(need(group, member, f"又一条{i}"), NeedAction.VERIFY, days(3))
    assert queries() == before
    data = funnels(group.batch, [group], whole_batch=True)
    assert [s["count"] for s in data["need"]["steps"]] == [9, 8, 2, 2, 1]
    assert len(data["need"]["days"]) == len(MAIN_PATH) - 1
    assert NeedTransition.objects.filter(stay_tenths__isnull=True).count() == 0


def test_the_funnels_internal_figures_have_no_drill_down_page(client, group):
    admin = user_create(username="admin", password="pw-123456", must_change_password=False)
    role_grant(user=admin, role=Role.CITY_ADMIN, region=group.batch.city)
    client.force_login(admin)
    assert client.get(reverse("scorecard:drill", args=["_stays_pending"]), {"batch": group.batch.pk}).status_code == 404

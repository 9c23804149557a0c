"""A closed batch makes its needs read-only (issue 11, decision 0021): after the handover, members, group
leaders, town and district staff no longer claim, change, progress, collaborate on, add outcomes to,
link policies to or judge the matches of the batch's needs; its city's administrators still correct them,
audited. The same rule as the ledger's records (``roster.selectors.batch_read_only``)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from techmayor.core.models import AuditLog
from techmayor.needs import permissions as P
from techmayor.needs.choices import NeedState as S
from techmayor.needs.models import Need
from techmayor.needs.permissions import need_actions, need_can, need_can_judge_matches, need_can_link_policy
from techmayor.roster.services import batch_close
from tests.needs.test_permissions_needs import ROWS, expected, signature
from tests.needs.world import ROLES, build_world

pytestmark = pytest.mark.django_db
CLOSED = "已结束，记录只读"


@pytest.fixture
def world():
    world = build_world()
    batch_close(batch=world.liyang.batch, note="第十四批结束")  # 溧阳团 and 金坛团; 无锡 stays open
    return world


@pytest.mark.parametrize(("action", "state", "ly_roles"), ROWS, ids=[f"{r[0]}@{r[1]}" for r in ROWS])
def test_only_the_citys_administrators_act_on_a_closed_batchs_needs(world, action, state, ly_roles):
    wrong = []
    for key in ("ly", "jt"):
        need = Need.objects.select_related("batch").get(pk=world.place(key, state).pk)
        for role in ROLES:
            want = role == "admin" and expected(role, key, action, ly_roles)
            if need_can(world.users[role], action, need) != want:
                wrong.append((role, key, "should" if want else "should not"))
    assert wrong == []


def test_no_button_but_the_administrators_and_a_notice_on_the_page(client, world):
    need = world.place("ly", S.CLAIMED)
    for role in ROLES:
        actions = need_actions(world.users[role], need)
        assert actions <= ({P.EDIT, "release", "cancel", "merge"} if role == "admin" else set()), role
        may_judge = need_can_judge_matches(world.users[role], need)
        assert may_judge == (role == "admin"), role
        assert need_can_link_policy(world.users[role], need) == (role == "admin"), role
    client.force_login(world.users["owner"])
    html = client.get(reverse("needs:need_detail", args=[need.pk])).content.decode()
    assert CLOSED in html and reverse("needs:need_progress", args=[need.pk]) not in html
    client.force_login(world.users["admin"])
    html = client.get(reverse("needs:need_detail", args=[need.pk])).content.decode()
    assert CLOSED not in html and reverse("needs:need_action", args=[need.pk, "release"]) in html


def test_the_pages_refuse_with_the_reason_and_change_nothing(client, world):
    need = world.place("ly", S.CLAIMED)
    before = signature(need)
    client.force_login(world.users["owner"])
    for url, data in (
        (reverse("needs:need_progress", args=[need.pk]), {"date": "2022-02-01", "current_status": "进展"}),
        (reverse("needs:need_action", args=[need.pk, "release"]), {"reason": "离任"}),
        (reverse("needs:collaborator_invite", args=[need.pk]), {"member": world.places["ly"].spare.pk}),
        (reverse("needs:need_policy_link", args=[need.pk]), {"policy": 1}),
        (reverse("matchmaking:need_feedback", args=[need.pk]), {"target": "expert", "target_id": "1"}),
    ):
        response = client.post(url, data)
        assert response.status_code == 403 and CLOSED in response.content.decode(), url
    assert signature(need) == before


def test_an_administrator_corrects_a_closed_batchs_need_and_it_is_audited(client, world):
    need = world.place("ly", S.PUBLISHED)
    client.force_login(world.users["admin"])
    response = client.post(
        reverse("needs:need_edit", args=[need.pk]),
        {"title": "管理员更正的标题", "description": "描述", "kind": "technology", "urgency": "urgent"},
    )
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.title == "管理员更正的标题"
    log = AuditLog.objects.filter(model="needs.need", object_id=str(need.pk), action="update").latest("id")
    assert log.actor == world.users["admin"]


def test_a_lead_of_a_closed_batchs_visit_becomes_a_need_of_the_next_batch_credited_to_who_continues():
    """The enterprise still needs help after the handover: its lead converts into the current batch,
    credited to the visit's members who serve in it (not to those who left, who are not its members)."""
    import datetime as dt

    from techmayor.ledger.services import visit_log
    from techmayor.needs.choices import LeadSource
    from techmayor.needs.services import lead_convert, lead_create
    from tests.factories import BatchFactory, EnterpriseFactory, GroupFactory, TenureFactory

    world = build_world()  # open here: the visit is logged in the 14th batch, then it closes
    old = world.liyang.batch
    stays, leaves = world.members["credited"], world.members["owner"]
    visit = visit_log(batch=old, group=world.liyang, enterprise=EnterpriseFactory(region=world.town_ly),
                      date=dt.date(2022, 1, 9), members=[stays, leaves])  # fmt: skip
    lead = lead_create(source=LeadSource.VISIT, raw_text="企业想找高校做检测", visit=visit)
    batch_close(batch=old, note="第十四批结束")
    new = BatchFactory(city=old.city, number=15, start_date=dt.date(2022, 6, 1), end_date=dt.date(2023, 5, 31))
    group = GroupFactory(batch=new, name="溧阳团", district=world.liyang.district)
    TenureFactory(member=stays, group=group, batch=new, start_date=new.start_date)

    need = lead_convert(lead=lead, group=group, enterprise=visit.enterprise, title="检测", description="检测需求",
                        date=dt.date(2022, 6, 8))  # fmt: skip
    assert (need.batch, need.group, need.lead) == (new, group, lead)
    assert list(need.members.all()) == [stays]

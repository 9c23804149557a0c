"""Withdrawal (作废) of needs and leads: who may, what leaves the figures and lists, restore by the city."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from techmayor.ledger.services import visit_log
from techmayor.needs.choices import LeadSource
from techmayor.needs.choices import NeedState as S
from techmayor.needs.models import Lead, Need, OutcomeRound
from techmayor.needs.services import lead_convert, lead_create, need_withdraw
from techmayor.scorecard import rollup
from techmayor.scorecard.metrics import Scope, value
from tests.factories import EnterpriseFactory
from tests.needs.world import ROLES, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def _get(client, user, name, pk):
    client.force_login(user)
    return client.get(reverse(name, args=[pk])).status_code


# Who may withdraw 溧阳's need, by its state (200: the form; 403: reads it but may not; 404: does not read it).
PENDING = {"admin": 200, "town": 200, "leader": 403, "district": 403, "group_leader": 403, "credited": 403}
CLAIMED = {"admin": 200, "town": 403, "owner": 403, "credited": 403}


@pytest.mark.parametrize("state, expected", [(S.PENDING, PENDING), (S.CLAIMED, CLAIMED)])
def test_who_may_withdraw_a_need(world, client, state, expected):
    need = world.place("ly", state)
    for role in ROLES:
        status = _get(client, world.users[role], "needs:need_withdraw", need.pk)
        if role in expected:
            assert status == expected[role], (role, status)
        else:  # nobody else may: 403 where they read the need, 404 where they do not
            assert status in (403, 404), (role, status)


def test_whoever_entered_a_need_may_withdraw_it_until_someone_claims_it(world, client):
    need = world.place("ly", S.PUBLISHED)
    Need.all_objects.filter(pk=need.pk).update(created_by=world.users["credited"])
    assert _get(client, world.users["credited"], "needs:need_withdraw", need.pk) == 200
    world.place("ly", S.CLAIMED)
    Need.all_objects.filter(pk=need.pk).update(created_by=world.users["credited"])
    assert _get(client, world.users["credited"], "needs:need_withdraw", need.pk) == 403


def test_a_withdrawn_need_leaves_lists_and_figures_and_the_city_restores_it(world, client):
    need = world.place("ly", S.COMPLETED)
    OutcomeRound.objects.filter(need=need).update(is_approved=True)
    rollup.invalidate()
    scope = Scope(batch=need.batch)
    collected, signed = value("needs_collected", scope), value("outcome_signed_wan", scope)
    assert signed == Decimal("10")

    client.force_login(world.users["admin"])
    detail = reverse("needs:need_detail", args=[need.pk])
    assert detail in client.get(reverse("needs:need_list")).content.decode()
    response = client.post(reverse("needs:need_withdraw", args=[need.pk]), {"reason": "企业重复提交"})
    assert response.status_code == 302
    assert detail not in client.get(reverse("needs:need_list")).content.decode()
    assert value("needs_collected", scope) == collected - 1
    assert value("outcome_signed_wan", scope) == 0
    assert rollup.verify() == []
    page = client.get(detail).content.decode()
    assert "企业重复提交" in page and reverse("needs:need_restore", args=[need.pk]) in page

    for role in ("leader", "town", "owner", "group_leader"):
        client.force_login(world.users[role])
        assert client.post(reverse("needs:need_restore", args=[need.pk])).status_code in (403, 404), role
        assert client.get(detail).status_code == 404, role
    client.force_login(world.users["admin"])
    assert client.post(reverse("needs:need_restore", args=[need.pk])).status_code == 302
    assert value("needs_collected", scope) == collected and value("outcome_signed_wan", scope) == signed
    history = client.get(detail + "?tab=history").content.decode()
    assert "企业重复提交" in history and "变更记录" in history


def test_a_need_others_were_merged_into_is_not_withdrawn(world, client):
    need = world.place("ly", S.PUBLISHED)
    keep = world.places["ly"].keep
    Need.objects.filter(pk=keep.pk).update(state=S.MERGED, merged_into=need)
    client.force_login(world.users["admin"])
    assert client.get(reverse("needs:need_withdraw", args=[need.pk])).status_code == 403
    with pytest.raises(Exception, match="合并"):
        need_withdraw(need=need, reason="重复", by=world.users["admin"])


def test_a_member_withdraws_their_own_lead_until_it_becomes_a_need(world, client):
    member = world.users["credited"]
    visit = visit_log(batch=world.liyang.batch, group=world.liyang, enterprise=EnterpriseFactory(region=world.town_ly),
                      date=dt.date(2022, 1, 9), members=[world.members["credited"]])  # fmt: skip
    lead = lead_create(source=LeadSource.VISIT, raw_text="企业想找高校做检测", visit=visit, by=member)
    other = lead_create(source=LeadSource.VISIT, raw_text="另一条线索", visit=visit, by=member)
    public = lead_create(source=LeadSource.PUBLIC, raw_text="企业自己提交的", region=world.town_ly)

    assert _get(client, member, "needs:lead_withdraw", lead.pk) == 200
    assert _get(client, member, "needs:lead_withdraw", public.pk) == 404  # not theirs (and not readable)
    assert _get(client, world.users["group_leader"], "needs:lead_withdraw", lead.pk) == 403
    assert _get(client, world.users["town"], "needs:lead_withdraw", public.pk) == 200

    client.force_login(member)
    client.post(reverse("needs:lead_withdraw", args=[lead.pk]), {"reason": "录重了"})
    assert not Lead.objects.filter(pk=lead.pk).exists()
    assert reverse("needs:lead_detail", args=[lead.pk]) not in client.get(reverse("needs:lead_list")).content.decode()

    need = lead_convert(
        lead=other, group=world.liyang, enterprise=visit.enterprise, title="检测", description="检测需求",
        date=dt.date(2022, 1, 9),
    )  # fmt: skip
    assert _get(client, member, "needs:lead_withdraw", other.pk) == 403
    assert _get(client, world.users["admin"], "needs:lead_withdraw", other.pk) == 403  # withdraw the need instead
    need_withdraw(need=need, reason="转错了", by=world.users["admin"])
    assert _get(client, world.users["admin"], "needs:lead_withdraw", other.pk) == 200
    client.force_login(world.users["admin"])
    timeline = client.get(reverse("enterprises:enterprise_detail", args=[visit.enterprise.pk])).content.decode()
    assert other.reference in timeline  # its need withdrawn, the lead is on the enterprise's timeline again

    client.force_login(member)
    assert client.post(reverse("needs:lead_restore", args=[lead.pk])).status_code == 403
    client.force_login(world.users["admin"])
    assert client.post(reverse("needs:lead_restore", args=[lead.pk])).status_code == 302
    assert Lead.objects.filter(pk=lead.pk).exists()
    withdrawn = client.get(reverse("web:withdrawn_list")).content.decode()
    assert "转错了" in withdrawn and reverse("needs:need_restore", args=[need.pk]) in withdrawn

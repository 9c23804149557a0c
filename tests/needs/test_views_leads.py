"""Leads through the pages: who sees them, creating them (with duplicate warnings), turning them into
needs or rejecting them with a reason; the original text and source never change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from techmayor.enterprises.models import Enterprise
from techmayor.ledger.services import visit_log
from techmayor.needs.choices import LeadSource, LeadStatus
from techmayor.needs.choices import NeedState as S
from techmayor.needs.models import Lead, Need, NeedTransition
from techmayor.needs.permissions import LEAD_CONVERT, LEAD_REJECT, lead_can
from techmayor.needs.services import lead_create
from tests.factories import EnterpriseFactory
from tests.needs.world import ROLES, build_world

pytestmark = pytest.mark.django_db

RAW = "我们是做锂电池的，冬天零下十度续航掉一半，想找高校一起攻关低温电解液。"


@pytest.fixture
def world():
    w = build_world()
    w.leads = {
        "ly": lead_create(
            source=LeadSource.PUBLIC,
            raw_text=RAW,
            title="低温续航",
            enterprise_name="常州天目电池有限公司",
            contact_name="王经理",
            contact_phone="13912345678",
            region=w.town_ly,
        ),
        "jt": lead_create(source=LeadSource.TOWN, raw_text="金坛的线索原文", title="金坛线索", region=w.town_jt),
    }
    visit = visit_log(
        batch=w.liyang.batch,
        group=w.liyang,
        enterprise=EnterpriseFactory(region=None),
        date=dt.date(2022, 1, 9),
        members=[w.members["credited"]],
    )
    w.leads["visit"] = lead_create(source=LeadSource.VISIT, raw_text="走访时企业提到的需求", visit=visit)
    return w


# Who reads which lead: the town's staff, the district, the group (region or visit), the city;
# a member reads the leads of their own visits.
LEAD_READERS = {
    "ly": {"admin", "leader", "district", "town", "group_leader"},
    "jt": {"admin", "leader"},
    "visit": {"admin", "leader", "district", "group_leader", "credited"},
}
LEAD_HANDLERS = {"ly": {"admin", "town"}, "jt": {"admin"}, "visit": {"admin"}}


def test_every_role_reads_only_its_leads(client, world):
    wrong = []
    for role in ROLES:
        client.force_login(world.users[role])
        page = client.get(reverse("needs:lead_list")).content.decode()
        for key, lead in world.leads.items():
            want = role in LEAD_READERS[key]
            listed = f'href="/needs/leads/{lead.pk}/"' in page
            detail = client.get(reverse("needs:lead_detail", args=[lead.pk])).status_code
            if (listed, detail == 200) != (want, want):
                wrong.append((role, key, listed, detail))
    assert wrong == []


def test_who_converts_or_rejects_a_lead(client, world):
    wrong = []
    for role in ROLES:
        user = world.users[role]
        for key, lead in world.leads.items():
            want = role in LEAD_HANDLERS[key]
            for action in (LEAD_CONVERT, LEAD_REJECT):
                if lead_can(user, action, lead) != want:
                    wrong.append((role, key, action))
            client.force_login(user)
            status = client.get(reverse("needs:lead_convert", args=[lead.pk])).status_code
            expected = 200 if want else (403 if role in LEAD_READERS[key] else 404)
            if status != expected:
                wrong.append((role, key, "GET convert", status))
            response = client.post(reverse("needs:lead_reject", args=[lead.pk]), {"reason": ""})
            if response.status_code != (302 if want else expected):
                wrong.append((role, key, "POST reject", response.status_code))
    assert wrong == []
    assert set(Lead.objects.values_list("status", flat=True)) == {LeadStatus.NEW}  # no reason, nothing rejected


def _convert_data(world, **overrides):
    data = {
        "enterprise": "new",
        "new_enterprise_name": "常州天目电池有限公司",
        "credit_code": "",
        "group": world.liyang.pk,
        "date": "2022-01-12",
        "title": "低温环境电池续航不足",
        "description": "冬季零下十度续航下降一半，寻求低温电解液合作",
        "kind": "technology",
        "urgency": "urgent",
        "advance_to": S.VERIFIED,
    }
    data.update(overrides)
    return data


def test_town_staff_turn_a_public_lead_into_a_verified_need(client, world):
    lead = world.leads["ly"]
    client.force_login(world.users["town"])
    page = client.get(reverse("needs:lead_convert", args=[lead.pk])).content.decode()
    assert "溧阳团" in page and RAW in page
    # Town staff may verify at once but not publish.
    response = client.post(reverse("needs:lead_convert", args=[lead.pk]), _convert_data(world, advance_to=S.PUBLISHED))
    assert response.status_code == 200 and not Need.objects.filter(lead=lead).exists()
    response = client.post(reverse("needs:lead_convert", args=[lead.pk]), _convert_data(world))
    assert response.status_code == 302
    need = Need.objects.get(lead=lead)
    assert (need.state, need.region, need.group, need.urgency) == (S.VERIFIED, world.town_ly, world.liyang, "urgent")
    assert need.enterprise == Enterprise.objects.get(name="常州天目电池有限公司")
    assert list(NeedTransition.objects.filter(need=need).values_list("action", flat=True)) == ["verify"]
    lead.refresh_from_db()
    assert lead.status == LeadStatus.CONVERTED and lead.raw_text == RAW and lead.source == LeadSource.PUBLIC
    # Converted once only.
    assert client.get(reverse("needs:lead_convert", args=[lead.pk])).status_code == 403
    page = client.get(reverse("needs:lead_detail", args=[lead.pk])).content.decode()
    assert f'href="/needs/{need.pk}/"' in page and RAW in page
    page = client.get(reverse("needs:need_detail", args=[need.pk])).content.decode()
    assert lead.reference in page and "线索受理" in page


def test_a_similar_need_of_the_same_enterprise_is_a_warning_that_can_be_overridden(client, world):
    existing = world.places["ly"].need  # 电池低温续航不足, of its enterprise, in 天目湖镇
    lead = lead_create(
        source=LeadSource.TOWN,
        raw_text="电池低温续航不足的问题",
        title="电池低温续航不足",
        enterprise=existing.enterprise,
        region=world.town_ly,
    )
    client.force_login(world.users["admin"])
    data = _convert_data(world, enterprise=str(existing.enterprise.pk), title="电池低温续航不足问题")
    response = client.post(reverse("needs:lead_convert", args=[lead.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200 and "疑似重复" in page and f'href="/needs/{existing.pk}/"' in page
    assert not Need.objects.filter(lead=lead).exists()
    response = client.post(reverse("needs:lead_convert", args=[lead.pk]), {**data, "confirm_duplicate": "on"})
    assert response.status_code == 302 and Need.objects.filter(lead=lead).exists()


def test_lead_detail_warns_of_duplicates(client, world):
    lead_create(
        source=LeadSource.PUBLIC,
        raw_text=RAW + "（再次提交）",
        title="低温续航问题",
        enterprise_name="常州天目电池（有限公司）",
        region=world.town_ly,
    )
    client.force_login(world.users["town"])
    page = client.get(reverse("needs:lead_detail", args=[world.leads["ly"].pk])).content.decode()
    assert "疑似重复" in page and "同一企业" in page


def test_reject_needs_a_reason_and_keeps_the_lead(client, world):
    lead = world.leads["ly"]
    client.force_login(world.users["town"])
    client.post(reverse("needs:lead_reject", args=[lead.pk]), {"reason": "不属于科技类需求"})
    lead.refresh_from_db()
    assert lead.status == LeadStatus.REJECTED and lead.status_reason == "不属于科技类需求" and lead.raw_text == RAW
    assert not lead_can(world.users["town"], LEAD_CONVERT, lead)
    page = client.get(reverse("needs:lead_detail", args=[lead.pk])).content.decode()
    assert "不属于科技类需求" in page


def test_town_staff_create_leads_for_their_town_only(client, world):
    client.force_login(world.users["town"])
    page = client.get(reverse("needs:lead_create")).content.decode()
    assert "天目湖镇" in page and "儒林镇" not in page
    data = {
        "region": world.town_jt.pk,
        "enterprise_name": "常州某某科技有限公司",
        "title": "需要自动化改造",
        "raw_text": "产线需要自动化改造",
    }
    response = client.post(reverse("needs:lead_create"), data)
    assert response.status_code == 200 and not Lead.objects.filter(title="需要自动化改造").exists()
    response = client.post(reverse("needs:lead_create"), {**data, "region": world.town_ly.pk})
    lead = Lead.objects.get(title="需要自动化改造")
    assert response.status_code == 302 and (lead.source, lead.region) == (LeadSource.TOWN, world.town_ly)
    # The same again is flagged as a probable duplicate until confirmed.
    response = client.post(reverse("needs:lead_create"), {**data, "region": world.town_ly.pk})
    assert response.status_code == 200 and "疑似重复" in response.content.decode()
    assert Lead.objects.filter(title="需要自动化改造").count() == 1
    client.post(reverse("needs:lead_create"), {**data, "region": world.town_ly.pk, "confirm_duplicate": "on"})
    assert Lead.objects.filter(title="需要自动化改造").count() == 2


def test_admins_enter_leads_anywhere_in_their_city_and_members_cannot(client, world):
    client.force_login(world.users["admin"])
    data = {"region": world.town_jt.pk, "enterprise_name": "金坛某企业", "title": "人才需求", "raw_text": "需要博士"}
    assert client.post(reverse("needs:lead_create"), data).status_code == 302
    assert Lead.objects.get(title="人才需求").source == LeadSource.ADMIN
    for role in ("member", "leader", "district", "nobody"):
        client.force_login(world.users[role])
        assert client.get(reverse("needs:lead_create")).status_code == 403
        assert client.get(reverse("needs:intake_links")).status_code == 403


def test_bad_phone_on_the_staff_form_is_refused_in_chinese(client, world):
    client.force_login(world.users["town"])
    data = {
        "region": world.town_ly.pk,
        "enterprise_name": "某企业",
        "title": "标题",
        "raw_text": "内容",
        "contact_phone": "12345",
    }
    response = client.post(reverse("needs:lead_create"), data)
    assert response.status_code == 200 and "请填写正确的电话号码" in response.content.decode()


def test_leads_to_handle_are_on_the_to_do_lists(world):
    from techmayor.needs.selectors import need_todos

    def todos(role):
        return {item["label"]: (item["count"], item["url"]) for item in need_todos(user=world.users[role])}

    assert todos("town")["待处理的需求线索"] == (1, reverse("needs:lead_list") + "?status=new")
    assert todos("admin")["待处理的需求线索"][0] == 3
    assert "待处理的需求线索" not in todos("credited")  # members read their visits' leads; they do not handle them


def test_town_staff_cannot_give_a_lead_to_another_districts_group(client, world):
    lead = world.leads["ly"]
    client.force_login(world.users["town"])
    page = client.get(reverse("needs:lead_convert", args=[lead.pk])).content.decode()
    assert "金坛团" not in page
    response = client.post(reverse("needs:lead_convert", args=[lead.pk]), _convert_data(world, group=world.jintan.pk))
    assert response.status_code == 200 and not Need.objects.filter(lead=lead).exists()

"""Logging records through the forms: each kind is created by its service; errors show next to their field."""

import re

import pytest

from techmayor.cooperation.models import Agreement, Intent
from techmayor.enterprises.models import EnterpriseLink
from techmayor.ledger import models as ledger
from techmayor.resources.models import Expert, Platform
from tests.factories import EnterpriseFactory, UniversityFactory
from tests.web.conftest import url

pytestmark = pytest.mark.django_db


@pytest.fixture
def parts(world):
    university = UniversityFactory(name="重庆大学")
    return {
        "university": university,
        "platform": Platform.objects.create(name="重庆大学溧阳智慧城市研究院", region=world.town_ly),
        "expert": Expert.objects.create(name="李教授", university=university),
        "enterprise": EnterpriseFactory(name="溧阳市新材料有限公司", region=world.town_ly),
    }


def cases(world, p):
    e, u = p["enterprise"].pk, p["university"].pk
    return {
        "event": (
            ledger.Event,
            {
                "kind": "matchmaking",
                "title": "重庆大学专场",
                "enterprises": [e],
                "universities": [u],
                "location": "溧阳",
            },
        ),
        "visitor": (ledger.VisitorRecord, {"kind": "expert", "visitor_name": "张教授", "person_count": 3}),
        "report": (ledger.Report, {"title": "溧阳市新材料产业调研", "summary": "摘要"}),
        "talent": (ledger.TalentIntroduction, {"talent_name": "博士团队", "person_count": 4, "enterprise": e}),
        "project": (ledger.ProjectBrokered, {"title": "储能项目", "enterprise": e, "amount_wan": "1200.5"}),
        "platform": (ledger.PlatformIntroduction, {"platform": p["platform"].pk}),
        "landing": (ledger.EnterpriseLanding, {"enterprise": e}),
        "employment_base": (ledger.EmploymentBase, {"enterprise": e, "university": u}),
        "fund": (ledger.FundLanding, {"fund_name": "天使基金", "amount_wan": "30000"}),
        "application": (ledger.ApplicationSupported, {"enterprise": e, "kind": "talent", "title": "龙城英才"}),
        "cultivation": (ledger.EnterpriseCultivation, {"enterprise": e, "kind": "high_tech", "status": "in_progress"}),
        "pairing": (ledger.UniversityPairing, {"university": u, "region": world.town_ly.pk}),
        "intent": (Intent, {"title": "联合研发意向", "enterprise": e, "expert": p["expert"].pk}),
        "agreement": (
            Agreement,
            {"kind": "校企", "title": "技术开发合同", "enterprise": e, "university": u, "contract_amount_wan": "88"},
        ),
        "link": (EnterpriseLink, {"enterprise": e}),
    }


KINDS = [
    "event",
    "visitor",
    "report",
    "talent",
    "project",
    "platform",
    "landing",
    "employment_base",
    "fund",
    "application",
    "cultivation",
    "pairing",
    "intent",
    "agreement",
    "link",
]


@pytest.mark.parametrize("key", KINDS)
def test_a_member_logs_each_kind_through_its_form(login, world, parts, key):
    model, data = cases(world, parts)[key]
    before = set(model.objects.values_list("pk", flat=True))
    client = login(world.users.m_ly)
    response = client.post(url(key, "create"), {"date": "2021-10-10", "members": [world.ly_b.pk], **data})
    assert response.status_code == 302, response.content.decode()[:3000]
    (pk,) = set(model.objects.values_list("pk", flat=True)) - before
    record = model.objects.get(pk=pk)
    assert response["Location"] == url(key, "detail", pk)
    assert record.group == world.liyang and record.batch == world.batch
    assert set(record.members.all()) == {world.ly_a, world.ly_b}
    assert record.created_by == world.users.m_ly
    assert client.get(response["Location"]).status_code == 200
    # … and edits it through the same form.
    response = client.post(url(key, "edit", pk), {"date": "2021-10-11", "members": [], **data})
    assert response.status_code == 302
    record.refresh_from_db()
    assert str(record.date) == "2021-10-11"
    assert list(record.members.all()) == [world.ly_a]


def field_block(html: str, name: str) -> str:
    """The markup from a field's label to the next field's label."""
    start = html.index(f'for="id_{name}"')
    end = html.find('<label class="form-label', start + 10)
    return html[start : end if end > 0 else None]


def test_required_fields_are_marked_next_to_the_field(login, world):
    html = login(world.users.m_ly).post(url("event", "create"), {"date": "2021-10-10", "kind": "docking"}).content
    html = html.decode()
    assert "该字段是必填项。" in field_block(html, "title")
    assert "请修改下面标红的内容" in html


def test_service_errors_show_on_the_field_they_name(login, world, parts):
    client = login(world.users.m_ly)
    data = {"date": "2021-10-10", "kind": "校企", "title": "没有企业的校企协议", "contract_amount_wan": "10"}
    data["university"] = parts["university"].pk
    html = client.post(url("agreement", "create"), data).content.decode()
    assert "校企合作协议须指明企业" in field_block(html, "enterprise")
    assert not Agreement.objects.filter(title="没有企业的校企协议").exists()

    html = client.post(
        url("intent", "create"), {"date": "2021-10-10", "title": "缺高校", "enterprise": parts["enterprise"].pk}
    )
    assert "合作意向须指明高校或专家" in field_block(html.content.decode(), "university")

    html = client.post(url("report", "create"), {"date": "2022-08-01", "title": "批次外的报告"}).content.decode()
    assert "不在常州市第十四批的期限" in field_block(html, "date")

    html = client.post(url("fund", "create"), {"date": "2021-10-10", "fund_name": "零元基金", "amount_wan": "0"})
    assert "基金规模须大于0" in field_block(html.content.decode(), "amount_wan")


def test_a_platform_is_introduced_once_per_batch(login, world, parts):
    client = login(world.users.m_ly)
    data = {"date": "2021-10-10", "platform": parts["platform"].pk}
    assert client.post(url("platform", "create"), data).status_code == 302
    html = client.post(url("platform", "create"), data).content.decode()
    assert "已在常州市第十四批登记引进" in field_block(html, "platform")


def test_receipts_cannot_exceed_the_contract(login, world):
    agreement = world.ly["agreement"]
    client = login(world.users.m_ly)
    path = f"/cooperation/agreements/{agreement.pk}/receipts/"
    assert client.post(path, {"date": "2021-10-01", "amount_wan": "400"}).status_code == 302
    response = client.post(path, {"date": "2021-11-01", "amount_wan": "200"})
    assert response.status_code == 200
    assert "累计到账 600 万元将超过合同金额" in response.content.decode()
    assert agreement.receipts.count() == 1
    html = client.get(url("agreement", "detail", agreement.pk)).content.decode()
    assert "已到账 400" in html


def test_event_pickers_keep_their_choices_when_the_form_is_shown_again(login, world, parts):
    html = (
        login(world.users.m_ly)
        .post(
            url("event", "create"), {"date": "2021-10-10", "kind": "docking", "enterprises": [parts["enterprise"].pk]}
        )
        .content.decode()
    )
    assert re.search(rf'<input type="hidden" name="enterprises" value="{parts["enterprise"].pk}">', html)
    assert parts["enterprise"].name in html


def test_a_picker_refuses_what_the_user_may_not_pick(login, world):
    client = login(world.users.m_ly)
    html = client.post(url("landing", "create"), {"date": "2021-10-10", "enterprise": 10**9}).content.decode()
    assert "选择一个有效的选项" in field_block(html, "enterprise")
    assert not ledger.EnterpriseLanding.objects.filter(group=world.liyang).exclude(pk=world.ly["landing"].pk).exists()


def test_an_id_beyond_what_a_database_holds_is_an_invalid_choice_not_a_server_error(world, login):
    """SQLite cannot compare such a number (``pk__in`` raises OverflowError): the form refuses it first."""
    client = login(world.users.admin)
    data = {"kind": "matchmaking", "title": "超大编号", "date": "2021-09-05", "group": world.liyang.pk}
    for field in ("members", "enterprises", "universities"):
        response = client.post(url("event", "create"), {**data, field: [str(2**70)]})
        assert response.status_code == 200, field
        assert not ledger.Event.objects.filter(title="超大编号").exists()

"""走访登记 on a phone: enterprise (picked or new, with duplicate warnings), date, fellow members, notes,
needs found — one submit, one transaction."""

import datetime as dt

import pytest

from techmayor.core.errors import ApplicationError
from techmayor.enterprises.models import Enterprise
from techmayor.ledger.models import Visit
from techmayor.ledger.services import visit_log_with_leads
from techmayor.needs.models import Lead
from tests.factories import credit_code
from tests.web.conftest import url

pytestmark = pytest.mark.django_db

CREATE = "/ledger/visits/new/"


def post(client, **data):
    base = {"date": "2021-10-08", "note": "与总经理交流", "need_title": [], "need_text": []}
    base.update(data)
    return client.post(CREATE, base)


def test_the_form_defaults_to_today_within_the_batch_and_lists_fellow_members(login, world):
    html = login(world.users.m_ly).get(CREATE).content.decode()
    # The batch ended in 2022; "today" is clamped into its term.
    assert 'value="2022-05-31"' in html
    assert "同行团员" in html and "溧阳乙" in html and "金坛甲" in html
    assert "溧阳甲" not in html  # the member is credited anyway; not offered as a fellow
    assert 'hx-get="/search/enterprise/"' in html


def test_a_visit_with_two_needs_creates_the_visit_and_two_leads(login, world):
    client = login(world.users.m_ly)
    response = post(
        client,
        enterprise=world.e_ly.pk,
        members=[world.ly_b.pk],
        need_title=["振动检测", ""],
        need_text=["需要一套电机振动检测方案", "招聘两名自动化专业毕业生"],
    )
    assert response.status_code == 302
    visit = Visit.objects.exclude(pk=world.ly["visit"].pk).get(enterprise=world.e_ly)
    assert response["Location"] == url("visit", "detail", visit.pk)
    assert visit.date == dt.date(2021, 10, 8)
    assert visit.group == world.liyang
    assert set(visit.members.all()) == {world.ly_a, world.ly_b}
    leads = list(Lead.objects.filter(visit=visit).order_by("id"))
    assert [(lead.source, lead.title, lead.raw_text) for lead in leads] == [
        ("visit", "振动检测", "需要一套电机振动检测方案"),
        ("visit", "", "招聘两名自动化专业毕业生"),
    ]
    assert all(lead.enterprise == world.e_ly and lead.created_by == world.users.m_ly for lead in leads)
    page = client.get(response["Location"]).content.decode()
    assert "已登记走访" in page and leads[0].reference in page


def test_empty_need_rows_are_ignored(login, world):
    response = post(login(world.users.m_ly), enterprise=world.e_ly.pk, need_title=["", ""], need_text=["", " "])
    assert response.status_code == 302
    assert not Lead.objects.exists()


def test_save_and_log_another_returns_to_an_empty_form(login, world):
    response = post(login(world.users.m_ly), enterprise=world.e_ly.pk, next="again")
    assert response.status_code == 302
    assert response["Location"] == CREATE


def test_a_new_enterprise_is_created_with_the_visit(login, world):
    code = credit_code()
    response = post(
        login(world.users.m_ly),
        new_name="溧阳市新创智能装备有限公司",
        new_credit_code=code,
        new_region=world.town_ly.pk,
        need_text=["想对接高校做视觉检测"],
    )
    assert response.status_code == 302
    enterprise = Enterprise.objects.get(credit_code=code)
    assert enterprise.region == world.town_ly
    assert Visit.objects.filter(enterprise=enterprise, group=world.liyang).count() == 1
    assert Lead.objects.get(enterprise=enterprise).region == world.town_ly


def test_a_similar_name_is_flagged_and_can_be_confirmed(login, world):
    client = login(world.users.m_ly)
    response = post(client, new_name="常州 恒远精密机械（有限公司）")
    assert response.status_code == 200
    html = response.content.decode()
    assert "疑似重复企业" in html
    assert "就是这家" in html and f'data-id="{world.e_ly.pk}"' in html
    assert Visit.objects.count() == 2  # only the world's two visits
    response = post(client, new_name="常州 恒远精密机械（有限公司）", confirm_new="on")
    assert response.status_code == 302
    assert Enterprise.objects.filter(normalized_name=world.e_ly.normalized_name).count() == 2


def test_a_taken_credit_code_is_refused_next_to_the_field(login, world):
    response = post(login(world.users.m_ly), new_name="另一家公司", new_credit_code=world.e_ly.credit_code)
    html = response.content.decode()
    assert response.status_code == 200
    assert f"统一社会信用代码 {world.e_ly.credit_code} 已属于企业" in html
    assert "is-invalid" in html
    assert not Enterprise.objects.filter(name="另一家公司").exists()


def test_without_an_enterprise_the_form_says_so(login, world):
    html = post(login(world.users.m_ly)).content.decode()
    assert "请选择走访的企业，或在下方新建企业" in html


def test_a_date_outside_the_batch_is_shown_on_the_date_field(login, world):
    response = post(login(world.users.m_ly), enterprise=world.e_ly.pk, date="2023-01-05")
    html = response.content.decode()
    assert response.status_code == 200
    assert "不在常州市第十四批的期限" in html
    assert 'name="date" value="2023-01-05" class="form-control is-invalid"' in html


def test_the_visit_and_its_leads_are_written_together_or_not_at_all(world, monkeypatch):
    import techmayor.needs.services as need_services

    real = need_services.lead_create
    calls = []

    def failing(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise ApplicationError("需求内容不能为空", field="raw_text")
        return real(**kwargs)

    monkeypatch.setattr(need_services, "lead_create", failing)
    visits, enterprises, leads = Visit.objects.count(), Enterprise.objects.count(), Lead.objects.count()
    with pytest.raises(ApplicationError, match="第2条需求"):
        visit_log_with_leads(
            batch=world.batch,
            group=world.liyang,
            date=dt.date(2021, 10, 8),
            members=[world.ly_a],
            new_enterprise={"name": "全新的企业有限公司", "region": world.town_ly},
            needs=[{"raw_text": "一"}, {"raw_text": "二"}],
        )
    assert (Visit.objects.count(), Enterprise.objects.count(), Lead.objects.count()) == (visits, enterprises, leads)


def test_a_failing_lead_shows_on_the_form_and_nothing_is_written(login, world, monkeypatch):
    import techmayor.needs.services as need_services

    def failing(**kwargs):
        raise ApplicationError("受理编号生成冲突，请重试")

    monkeypatch.setattr(need_services, "lead_create", failing)
    response = post(login(world.users.m_ly), new_name="另一家新企业有限公司", need_text=["要人才"])
    assert response.status_code == 200
    assert "受理编号生成冲突" in response.content.decode()
    assert not Enterprise.objects.filter(name="另一家新企业有限公司").exists()
    assert Visit.objects.count() == 2


def test_read_only_roles_cannot_log_visits(login, world):
    for who in ("leader", "ds_jt", "ts_ly", "nobody"):
        client = login(getattr(world.users, who))
        assert client.get(CREATE).status_code == 403
        assert post(client, enterprise=world.e_ly.pk).status_code == 403
    assert Visit.objects.count() == 2


def test_a_member_cannot_pick_an_enterprise_outside_the_city_or_a_made_up_id(login, world):
    response = post(login(world.users.m_ly), enterprise=999999)
    assert response.status_code == 200
    assert Visit.objects.count() == 2


def test_the_duplicate_check_and_need_rows_answer_htmx(login, world):
    client = login(world.users.m_ly)
    html = client.get("/ledger/visits/duplicates/", {"new_name": "常州恒远精密机械股份有限公司"}).content.decode()
    assert world.e_ly.name in html and "就是这家" in html
    assert "就是这家" not in client.get("/ledger/visits/duplicates/", {"new_name": "完全不同"}).content.decode()
    row = client.get("/ledger/visits/need-row/").content.decode()
    assert 'name="need_text"' in row and 'name="need_title"' in row


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("czhy", True),  # pinyin initials of 常州恒远
        ("CZHY", True),
        ("hyjm", True),  # initials in the middle of the name
        ("恒远", True),  # part of the name
        ("xyz", False),
    ],
)
def test_enterprise_picker_finds_by_name_initials_and_credit_code(login, world, text, found):
    html = login(world.users.m_ly).get("/search/enterprise/", {"q": text}).content.decode()
    assert (world.e_ly.name in html) == found


def test_enterprise_picker_finds_by_credit_code_prefix(login, world):
    client = login(world.users.m_ly)
    html = client.get("/search/enterprise/", {"q": world.e_ly.credit_code[:12]}).content.decode()
    assert world.e_ly.name in html
    assert "新建这家企业" in client.get("/search/enterprise/", {"q": "不存在的公司"}).content.decode()


def test_initials_skip_the_place_suffix():
    from techmayor.enterprises.selectors import initials

    assert "czhy" in initials("常州恒远精密机械有限公司")
    assert "lyhd" in initials("溧阳市华东机电科技有限公司")
    assert "lyshd" in initials("溧阳市华东机电科技有限公司")

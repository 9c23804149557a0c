"""Enterprise pages: list and search, the profile with tags and contacts, the timeline, adding with duplicate checks."""

import datetime as dt

import pytest

from techmayor.enterprises.models import Enterprise
from techmayor.needs.services import need_create
from tests.factories import credit_code
from tests.web.conftest import build_world, make_record, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


def test_list_searches_by_name_initials_and_credit_code(login, world):
    client = login(world.users.admin)
    for q in ("恒远", "czhy", world.e_ly.credit_code, world.e_ly.credit_code[:17].lower()):
        html = client.get("/enterprises/", {"q": q}).content.decode()
        assert world.e_ly.name in html, q
        assert world.e_jt.name not in html, q


def test_list_filters_by_district_and_tag(login, world):
    from techmayor.enterprises.services import enterprise_tag_set

    enterprise_tag_set(enterprise=world.e_jt, kind="high_tech", year=2021)
    client = login(world.users.admin)
    html = client.get("/enterprises/", {"district": world.jintan.district.pk}).content.decode()
    assert world.e_jt.name in html and world.e_ly.name not in html
    html = client.get("/enterprises/", {"tag": "high_tech"}).content.decode()
    assert world.e_jt.name in html and world.e_ly.name not in html
    assert "高新技术企业（2021）" in html


def test_profile_tags_and_contacts(login, world):
    client = login(world.users.m_ly)
    response = client.post(f"/enterprises/{world.e_ly.pk}/tags/", {"kind": "srdi", "year": "2020"})
    assert response.status_code == 302
    response = client.post(
        f"/enterprises/{world.e_ly.pk}/contacts/", {"name": "王总", "position": "总经理", "phone": "13900000000"}
    )
    assert response.status_code == 302
    html = client.get(f"/enterprises/{world.e_ly.pk}/").content.decode()
    assert "专精特新（2020）" in html
    assert "王总" in html and "tel:13900000000" in html
    assert world.e_ly.credit_code in html and "溧阳市 · 天目湖镇" in html
    html = client.post(f"/enterprises/{world.e_ly.pk}/contacts/", {"name": "", "email": "bad"}).content.decode()
    assert "该字段是必填项。" in html


def test_timeline_shows_the_programs_work_in_date_order_within_the_readers_scope(login, world):
    make_record("event", group=world.liyang, member=world.ly_a, enterprise=world.e_ly, town=world.town_ly,
                date=dt.date(2021, 12, 1), title="新材料专场")  # fmt: skip
    other = make_record("visit", group=world.jintan, member=world.jt_a, enterprise=world.e_ly, town=world.town_ly)
    need = need_create(
        batch=world.batch,
        group=world.liyang,
        enterprise=world.e_ly,
        title="精密加工工艺改进",
        description="需要高校协助改进工艺",
        date=dt.date(2021, 11, 2),
        members=[world.ly_a],
    )
    html = login(world.users.m_ly).get(f"/enterprises/{world.e_ly.pk}/").content.decode()
    assert "新材料专场" in html
    assert "精密加工工艺改进" in html
    assert url("visit", "detail", world.ly["visit"].pk) in html
    assert url("visit", "detail", other.pk) not in html
    assert "另有 1 条其他支团或团员的记录不在你的查看范围内" in html
    assert (
        html.index("新材料专场")
        < html.index("精密加工工艺改进")
        < html.index(url("visit", "detail", world.ly["visit"].pk))
    )
    admin_html = login(world.users.admin).get(f"/enterprises/{world.e_ly.pk}/").content.decode()
    assert url("visit", "detail", other.pk) in admin_html
    assert "不在你的查看范围内" not in admin_html
    assert need.title in admin_html


def test_adding_an_enterprise_warns_about_duplicates(login, world):
    client = login(world.users.ts_ly)
    response = client.post("/enterprises/new/", {"name": "常州恒远精密机械股份有限公司"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "疑似重复企业" in html and f"/enterprises/{world.e_ly.pk}/" in html
    response = client.post(
        "/enterprises/new/", {"name": "常州恒远精密机械股份有限公司", "confirm_new": "on", "region": world.town_ly.pk}
    )
    assert response.status_code == 302
    assert Enterprise.objects.filter(normalized_name=world.e_ly.normalized_name).count() == 2


def test_adding_an_enterprise_checks_the_credit_code(login, world):
    client = login(world.users.m_ly)
    code = credit_code()
    bad = code[:-1] + ("0" if code[-1] != "0" else "1")
    html = client.post("/enterprises/new/", {"name": "校验位错误的公司", "credit_code": bad}).content.decode()
    assert "校验位错误" in html
    response = client.post("/enterprises/new/", {"name": "校验位正确的公司", "credit_code": code})
    assert response.status_code == 302
    assert Enterprise.objects.get(credit_code=code).created_by == world.users.m_ly


def test_read_only_roles_cannot_add_enterprises(login, world):
    for who in ("leader", "ds_jt", "nobody"):
        assert login(getattr(world.users, who)).get("/enterprises/new/").status_code == 403


def test_editing_the_profile_is_audited(login, world):
    from techmayor.core.models import AuditLog

    client = login(world.users.gl_ly)
    data = {"name": world.e_ly.name, "credit_code": world.e_ly.credit_code, "address": "溧阳市天目湖大道1号"}
    assert client.post(f"/enterprises/{world.e_ly.pk}/edit/", data).status_code == 302
    world.e_ly.refresh_from_db()
    assert world.e_ly.address == "溧阳市天目湖大道1号"
    log = AuditLog.objects.filter(model="enterprises.enterprise", object_id=str(world.e_ly.pk)).first()
    assert log.actor == world.users.gl_ly and log.source == "web"


def test_town_staff_cannot_move_an_enterprise_into_another_district(login, world):
    """A scoped user assigns only regions inside their scope; writers of records any of their city."""
    client = login(world.users.ts_ly)
    data = {"name": world.e_ly.name, "credit_code": world.e_ly.credit_code or "", "region": world.town_jt.pk}
    response = client.post(f"/enterprises/{world.e_ly.pk}/edit/", data)
    assert response.status_code == 200 and "region" in response.context["form"].errors
    world.e_ly.refresh_from_db()
    assert world.e_ly.region == world.town_ly
    page = client.get(f"/enterprises/{world.e_ly.pk}/edit/").content.decode()
    assert world.town_jt.name not in page and world.town_ly.name in page
    response = client.post("/enterprises/new/", {"name": "金坛某某新公司", "region": world.town_jt.pk})
    assert response.status_code == 200 and not Enterprise.objects.filter(name="金坛某某新公司").exists()
    # A member of 溧阳团 records work across the district border, within the city.
    response = login(world.users.m_ly).post("/enterprises/new/", {"name": "金坛某某新公司", "region": world.town_jt.pk})
    assert response.status_code == 302

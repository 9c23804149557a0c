"""科创平台 from the pages: the directory, adding (writers of records), changing (adder, city admin), audited."""

import pytest

from techmayor.core.models import AuditLog
from techmayor.resources.models import Platform
from techmayor.resources.services import platform_create
from tests.factories import UniversityFactory
from tests.web.conftest import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_world()


def login(client, user):
    client.force_login(user)
    return client


def test_a_member_adds_a_platform_and_it_is_audited_and_pickable(client, world):
    uni = UniversityFactory(name="江南大学")
    c = login(client, world.users.m_ly)
    data = {
        "name": "江南大学（溧阳）智能制造研究院",
        "kind": "institute",
        "university": uni.pk,
        "region": world.town_ly.pk,
        "established_on": "2021-09-01",
        "description": "共建研发平台",
    }
    response = c.post("/resources/platforms/new/", data)
    platform = Platform.objects.get(name__contains="智能制造研究院")
    assert response.status_code == 302 and response["Location"] == f"/resources/platforms/{platform.pk}/"
    assert platform.name == "江南大学(溧阳)智能制造研究院"  # width folded as every text
    assert platform.created_by == world.users.m_ly and platform.university == uni
    log = AuditLog.objects.get(model="resources.platform", object_id=str(platform.pk))
    assert (log.action, log.source, log.actor) == ("create", "web", world.users.m_ly)
    html = c.get(f"/resources/platforms/{platform.pk}/").content.decode()
    assert "江南大学" in html and "研究院" in html and "天目湖镇" in html
    assert f"/resources/platforms/{platform.pk}/edit/" in html
    # the ledger's platform picker finds it
    found = c.get("/search/platform/", {"q": "智能制造"})
    assert platform.name in found.content.decode()


def test_list_search_and_filter(client, world):
    platform_create(name="常州大学先进材料联合实验室", kind="joint_lab")
    platform_create(name="溧阳院士工作站", kind="workstation")
    c = login(client, world.users.leader)  # a read-only role reads the directory
    html = c.get("/resources/platforms/", {"q": "材料"}).content.decode()
    assert "先进材料联合实验室" in html and "溧阳院士工作站" not in html
    html = c.get("/resources/platforms/", {"kind": "workstation"}).content.decode()
    assert "溧阳院士工作站" in html and "先进材料联合实验室" not in html
    assert "/resources/platforms/new/" not in html  # read-only: no add button
    response = c.get("/resources/platforms/export/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_who_may_add_and_who_may_not(client, world):
    for who in ("m_ly", "gl_ly", "admin"):
        assert login(client, getattr(world.users, who)).get("/resources/platforms/new/").status_code == 200, who
    for who in ("leader", "ds_jt", "ts_ly"):
        assert login(client, getattr(world.users, who)).get("/resources/platforms/new/").status_code == 403, who
        c = login(client, getattr(world.users, who))
        assert c.post("/resources/platforms/new/", {"name": "越权平台", "kind": "other"}).status_code == 403
    assert not Platform.objects.filter(name="越权平台").exists()
    assert login(client, world.users.nobody).get("/resources/platforms/").status_code == 403


def test_who_may_change_a_platform(client, world):
    mine = platform_create(name="溧阳团引进的研究院", kind="institute", by=world.users.m_ly)
    data = {"name": "溧阳团引进的研究院（更名）", "kind": "institute"}
    # another member may read it but not change it
    c = login(client, world.users.m_jt)
    assert c.get(f"/resources/platforms/{mine.pk}/").status_code == 200
    assert c.get(f"/resources/platforms/{mine.pk}/edit/").status_code == 403
    assert c.post(f"/resources/platforms/{mine.pk}/edit/", data).status_code == 403
    # its adder and the city administrator may
    c = login(client, world.users.m_ly)
    assert c.post(f"/resources/platforms/{mine.pk}/edit/", data).status_code == 302
    mine.refresh_from_db()
    assert mine.name == "溧阳团引进的研究院(更名)"
    c = login(client, world.users.admin)
    data = {"name": mine.name, "kind": "rd_center", "region": world.town_ly.pk}
    assert c.post(f"/resources/platforms/{mine.pk}/edit/", data).status_code == 302
    mine.refresh_from_db()
    assert mine.kind == "rd_center" and mine.region == world.town_ly
    history = c.get(f"/resources/platforms/{mine.pk}/?tab=history").content.decode()
    assert "变更记录" in history and "工程技术研究中心" in history
    assert login(client, world.users.leader).get(f"/resources/platforms/{mine.pk}/edit/").status_code == 403


def test_bad_input_gets_a_clear_message(client, world):
    platform_create(name="已有平台", kind="other")
    before = Platform.objects.count()
    c = login(client, world.users.admin)
    html = c.post("/resources/platforms/new/", {"name": "已有平台", "kind": "other"}).content.decode()
    assert "科创平台「已有平台」已存在" in html
    html = c.post("/resources/platforms/new/", {"name": "=HYPERLINK(1)", "kind": "other"}).content.decode()
    assert "不能以「=」开头" in html
    html = c.post(
        "/resources/platforms/new/", {"name": "未来平台", "kind": "other", "established_on": "2999-01-01"}
    ).content.decode()
    assert "成立日期" in html and Platform.objects.count() == before
    assert c.post("/resources/platforms/new/", {"name": "x", "kind": "nope"}).status_code == 200
    assert c.get("/resources/platforms/999999/").status_code == 404

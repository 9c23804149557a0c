"""Province roles across cities: 省级管理员 and 省级领导 read every city of their province; a city's roles
never see another city's records; a province role of another province sees none of them.

The world of the page matrix (常州市, tests/web/conftest.py) plus 无锡市 of the same province, with one
record of every kind for its 惠山团, and a 浙江省 administrator.
"""

import io

import pytest
from openpyxl import load_workbook

from techmayor.accounts.choices import Role
from techmayor.accounts.scopes import admin_city_ids, administers, has_role, reads_whole_city, whole_city_ids
from techmayor.core.models import RegionLevel
from techmayor.roster.models import Batch
from techmayor.roster.selectors import current_batch, write_context
from tests.factories import EnterpriseFactory, GroupFactory, RegionFactory, member_in
from tests.web.conftest import KEYS, account, make_record, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def wuxi(world):
    province = world.batch.city.parent
    city = RegionFactory(name="无锡市", level=RegionLevel.CITY, parent=province, code="320200")
    huishan = RegionFactory(name="惠山区", level=RegionLevel.DISTRICT, parent=city, code="320206")
    town = RegionFactory(name="洛社镇", level=RegionLevel.TOWN, parent=huishan)
    batch = Batch.objects.create(
        city=city, number=14, start_date=world.batch.start_date, end_date=world.batch.end_date, is_active=True
    )
    group = GroupFactory(batch=batch, name="惠山团", district=huishan)
    member = member_in(group, member__name="惠山甲")
    enterprise = EnterpriseFactory(name="无锡惠山精工有限公司", region=town)
    records = {key: make_record(key, group=group, member=member, enterprise=enterprise, town=town) for key in KEYS}
    zhejiang = RegionFactory(name="浙江省", level=RegionLevel.PROVINCE, parent=None, code="330000")
    users = {
        "wx_admin": account("wx_admin", (Role.CITY_ADMIN, {"region": city})),
        "wx_member": account("wx_member", (Role.MEMBER, {}), member=member),
        "zj_admin": account("zj_admin", (Role.PROVINCE_ADMIN, {"region": zhejiang})),
    }
    parts = {"city": city, "batch": batch, "group": group, "records": records, "enterprise": enterprise}
    return type("Wuxi", (), {**parts, **users})


# Who reads the 常州 records (side "cz") and the 无锡 ones (side "wx").
SEES = {
    "admin": {"cz"},
    "leader": {"cz"},
    "prov_admin": {"cz", "wx"},
    "prov_leader": {"cz", "wx"},
    "wx_admin": {"wx"},
    "wx_member": {"wx"},
    "zj_admin": set(),
}


def _user(world, wuxi, who):
    return getattr(world.users, who, None) or getattr(wuxi, who)


@pytest.mark.parametrize("key", KEYS)
def test_lists_details_and_exports_across_cities(login, world, wuxi, key):
    sides = {"cz": world.ly[key], "wx": wuxi.records[key]}
    for who, sees in SEES.items():
        client = login(_user(world, wuxi, who))
        html = client.get(url(key, "list")).content.decode()
        for side, record in sides.items():
            link = url(key, "detail", record.pk)
            assert (link in html) == (side in sees), (who, key, side)
            assert client.get(link).status_code == (200 if side in sees else 404), (who, key, side)
        sheet = load_workbook(io.BytesIO(client.get(url(key, "export")).content)).active
        # 常州 has a 溧阳 and a 金坛 record of each kind; 无锡 one.
        expected = (2 if "cz" in sees else 0) + (1 if "wx" in sees else 0)
        assert sheet.max_row - 1 == expected, (who, key)


def test_enterprises_and_groups_across_cities(login, world, wuxi):
    for who, sees in SEES.items():
        client = login(_user(world, wuxi, who))
        for side, enterprise in (("cz", world.e_ly), ("wx", wuxi.enterprise)):
            status = client.get(f"/enterprises/{enterprise.pk}/").status_code
            assert status == (200 if side in sees else 404), (who, side)
        for side, group in (("cz", world.liyang), ("wx", wuxi.group)):
            assert client.get(f"/roster/groups/{group.pk}/").status_code == (200 if side in sees else 404), (who, side)
            drill = client.get(f"/scorecard/drill/visits/?group={group.pk}")
            assert drill.status_code == (200 if side in sees else 404), (who, side)


def test_the_scorecard_of_another_city_shows_nothing_to_a_city_role(login, world, wuxi):
    for who, sees in SEES.items():
        client = login(_user(world, wuxi, who))
        for side, batch, group in (("cz", world.batch, "溧阳团"), ("wx", wuxi.batch, "惠山团")):
            html = client.get(f"/scorecard/?batch={batch.pk}").content.decode()
            assert (group in html) == (side in sees), (who, side)
            status = client.get(f"/scorecard/export/?batch={batch.pk}").status_code
            assert status == (200 if side in sees else 403), (who, side)


def test_api_lists_across_cities(world, wuxi):
    from rest_framework.test import APIClient

    from techmayor.accounts.services import api_token_create
    from tests.api.test_permissions_api import path

    for who, sees in SEES.items():
        _token, secret = api_token_create(user=_user(world, wuxi, who), name="测试")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
        listed = {row["id"] for row in client.get(path("visit")).json()["results"]}
        assert (world.ly["visit"].pk in listed) == ("cz" in sees), who
        assert (wuxi.records["visit"].pk in listed) == ("wx" in sees), who


def test_province_roles_hold_their_city_roles_in_every_city_of_the_province(world, wuxi):
    admin, leader = world.users.prov_admin, world.users.prov_leader
    cities = {world.batch.city_id, wuxi.city.pk}
    assert admin_city_ids(admin) == cities
    assert whole_city_ids(leader) == cities and admin_city_ids(leader) == frozenset()
    assert administers(admin, wuxi.city.pk) and not administers(leader, wuxi.city.pk)
    assert reads_whole_city(leader, wuxi.city.pk)
    assert not administers(world.users.admin, wuxi.city.pk) and not reads_whole_city(world.users.admin, wuxi.city.pk)
    assert not reads_whole_city(wuxi.zj_admin, world.batch.city_id)
    assert has_role(admin, Role.CITY_ADMIN) and has_role(leader, Role.LEADER) and not has_role(leader, Role.CITY_ADMIN)
    # The province administrator writes in any city's batch (as its administrators do); the leader nowhere.
    assert write_context(admin, wuxi.batch) is not None and write_context(admin, world.batch) is not None
    assert write_context(leader, wuxi.batch) is None
    assert current_batch(admin) is not None


def test_a_province_role_is_granted_on_a_province_only(world):
    from techmayor.accounts.models import RoleAssignment
    from techmayor.core.errors import ApplicationError
    from techmayor.core.services import create_record

    user = account("bad_grant")
    with pytest.raises(ApplicationError):
        create_record(RoleAssignment, user=user, role=Role.PROVINCE_ADMIN, region=world.batch.city)

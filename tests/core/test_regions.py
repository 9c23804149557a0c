import json

import pytest

from techmayor.core.errors import ApplicationError
from techmayor.core.models import AuditLog, Region, RegionLevel
from techmayor.core.regions import DEFAULT_PATH, city, load_regions, region_by_name

DISTRICTS = {
    "天宁区": "320402",
    "钟楼区": "320404",
    "新北区": "320411",
    "武进区": "320412",
    "金坛区": "320413",
    "溧阳市": "320481",
    "常州经济开发区": "",
}


def test_bundled_file_names_its_source():
    data = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    assert "统计用区划代码" in data["source"]
    assert data["date"]


@pytest.mark.django_db
def test_changzhou_has_its_districts_and_the_development_zone():
    created = load_regions()
    assert created == Region.objects.count()
    changzhou = city("常州市")
    assert changzhou.code == "320400"
    assert changzhou.parent.name == "江苏省" and changzhou.parent.code == "320000"
    districts = {r.name: r.code for r in changzhou.children.filter(level=RegionLevel.DISTRICT)}
    assert districts == DISTRICTS
    assert not changzhou.children.exclude(level=RegionLevel.DISTRICT).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("town", "district"),
    [
        ("溧城街道", "溧阳市"),
        ("天目湖镇", "溧阳市"),
        ("尧塘街道", "金坛区"),
        ("湖塘镇", "武进区"),
        ("南夏墅街道", "武进区"),
        ("丁堰街道", "常州经济开发区"),
        ("横山桥镇", "常州经济开发区"),
        ("奔牛镇", "新北区"),
        ("郑陆镇", "天宁区"),
        ("邹区镇", "钟楼区"),
    ],
)
def test_towns_attach_to_the_right_district(town, district):
    load_regions()
    region = region_by_name(town, RegionLevel.TOWN)
    assert region.parent.name == district
    assert region.full_name == f"江苏省常州市{district}{town}"


@pytest.mark.django_db
def test_parks_sit_under_their_district():
    load_regions()
    assert region_by_name("常州国家高新技术产业开发区").parent.name == "新北区"
    assert region_by_name("武进国家高新技术产业开发区", RegionLevel.PARK).parent.name == "武进区"
    assert region_by_name("天目湖旅游度假区").parent.name == "溧阳市"
    # 天目湖镇 (town) and 天目湖旅游度假区 (park) are different regions.
    assert region_by_name("天目湖镇").level == RegionLevel.TOWN


@pytest.mark.django_db
def test_reload_is_idempotent_and_each_region_is_audited():
    first = load_regions()
    audits = AuditLog.objects.filter(model="core.region").count()
    assert audits == first
    assert load_regions() == 0
    assert Region.objects.count() == first
    assert AuditLog.objects.filter(model="core.region").count() == audits


@pytest.mark.django_db
def test_lookups_by_short_name_alias_and_level():
    load_regions()
    assert region_by_name("溧阳").name == "溧阳市"
    assert region_by_name("常州经开区").name == "常州经济开发区"
    assert city("常州").name == "常州市"
    assert region_by_name("天宁", RegionLevel.DISTRICT).name == "天宁区"
    with pytest.raises(ApplicationError, match="不唯一"):
        region_by_name("天宁")  # 天宁区 and 天宁街道
    assert region_by_name("不存在的镇") is None
    wujin = region_by_name("武进区")
    assert region_by_name("湖塘", within=wujin).name == "湖塘镇"
    assert region_by_name("奔牛", within=wujin) is None


@pytest.mark.django_db
def test_city_explains_when_regions_are_missing():
    with pytest.raises(ApplicationError, match="load_regions"):
        city("常州市")


@pytest.mark.django_db
def test_management_command(capsys):
    from django.core.management import call_command

    call_command("load_regions")
    call_command("load_regions")
    out = capsys.readouterr().out
    assert "新建 0 个" in out
    assert AuditLog.objects.filter(model="core.region", source="cli").exists()

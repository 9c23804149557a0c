"""Regions: loading the bundled Changzhou tree and finding a region by name.

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

from .errors import ApplicationError
from .models import Region, RegionLevel
from .services import create_record, update_record

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "changzhou_regions.json"

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

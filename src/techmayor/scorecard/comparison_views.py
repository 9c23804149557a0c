"""Comparison pages: a city's batches side by side (/scorecard/compare/) and the cities of a province
for a batch year (/scorecard/province/). Figures from ``comparisons``, shown as the scorecard shows them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from techmayor.accounts.scopes import PROVINCE_ROLES, active_roles, reads_whole_city
from techmayor.core.audit import audit_source
from techmayor.core.errors import ApplicationError
from techmayor.core.models import Region, RegionLevel
from techmayor.roster.models import Batch
from techmayor.roster.selectors import current_batch

from . import comparisons
from .metrics import METRICS, SCORECARD_METRICS
from .services import county_ranking_on, county_ranking_set, may_switch_county_ranking, plain_number


def _int(text, default=None):
    try:
        return int(text)
    except (TypeError, ValueError):
        return default


def _rows(columns: list[tuple[str, dict | None]]) -> list[dict]:
    return [
        {
            "metric": metric,
            "cells": ["—" if totals is None else plain_number(totals[metric.code]) for _label, totals in columns],
        }
        for metric in SCORECARD_METRICS
    ]


def _rank_by(request) -> str:
    code = request.GET.get("rank_by", "")
    return code if code in comparisons.COUNTY_METRICS else comparisons.DEFAULT_RANK_BY


def _counties(request, region, result: dict | None) -> dict:
    """The county section of a comparison page: figures, ranks only when ``region`` ranks (0026)."""
    counties = (result or {}).get("counties") or {"ranked": False, "counties": []}
    return {
        "counties": counties,
        "county_metrics": [METRICS[code] for code in comparisons.COUNTY_METRICS],
        "county_rows": [
            {**row, "cells": [plain_number(row["figures"][code]) for code in comparisons.COUNTY_METRICS]}
            for row in counties["counties"]
        ],
        "rank_by": counties.get("rank_by", ""),
        "ranking_region": region,
        "ranking_on": counties["ranked"] if result else county_ranking_on(region),
        "may_switch_ranking": may_switch_county_ranking(request.user, region),
    }


@login_required
@require_GET
def compare(request):
    """?city=<id>&batches=13,14[&months=N]: for whoever reads the whole city (its or the province's
    administrators and leaders); default: the city of the reader's batch, its two latest batches."""
    user = request.user
    city_id = _int(request.GET.get("city"))
    if city_id is None:
        batch = current_batch(user)
        city_id = batch.city_id if batch is not None else None
    if city_id is None or not reads_whole_city(user, city_id):
        raise Http404(_("城市不存在，或不在你的查看范围内"))
    city = Region.objects.get(pk=city_id)
    available = list(Batch.objects.filter(city=city).order_by("number").values_list("number", flat=True))
    text = request.GET.get("batches", "")
    numbers = [n for n in (_int(p) for p in text.replace("，", ",").split(",")) if n is not None] or available[-2:]
    result, error = None, None
    try:
        result = comparisons.compare_batches(
            city=city, numbers=numbers, months=_int(request.GET.get("months")), rank_by=_rank_by(request)
        )
    except ApplicationError as exc:
        error = exc.message
    columns = []
    if result is not None:
        columns = [
            (_("第%(n)s批（至 %(end)s）") % {"n": b["batch"], "end": b["period"]["end"]}, b["totals"])
            for b in result["batches"]
        ]
    context = {
        "mode": "compare",
        "city": city,
        "available": available,
        "numbers": ",".join(map(str, numbers)),
        "result": result,
        "error": error,
        "headers": [label for label, _t in columns],
        "rows": _rows(columns),
        **_counties(request, city, result),
    }
    return render(request, "scorecard/compare.html", context)


@login_required
@require_GET
def province(request):
    """?year=2021[&province=<id>]: every city of the province side by side, for the province's roles."""
    user = request.user
    provinces = [a.region for a in active_roles(user) if a.role in PROVINCE_ROLES and a.region_id]
    if user.is_superuser:
        provinces = list(Region.objects.filter(level=RegionLevel.PROVINCE).order_by("code", "name"))
    if not provinces:
        raise PermissionDenied(_("各市并列仅供省级管理员和省级领导查看"))
    chosen = _int(request.GET.get("province"))
    root = next((p for p in provinces if p.pk == chosen), provinces[0]) if chosen else provinces[0]
    if chosen and root.pk != chosen:
        raise Http404(_("省份不存在，或不在你的查看范围内"))
    years = sorted(
        {d.year for d in Batch.objects.filter(city__parent=root).values_list("start_date", flat=True)}, reverse=True
    )
    year = _int(request.GET.get("year"), years[0] if years else None)
    result = error = None
    columns = []
    if year is None:
        error = _("本省还没有批次")
    else:
        result = comparisons.province_year(province=root, year=year, rank_by=_rank_by(request))
        columns = [
            (r["city"] + (_("第%(n)s批") % {"n": r["batch"]} if r["batch"] else ""), r["totals"])
            for r in result["cities"]
        ]
        columns.append((_("全省合计"), result["totals"]))
    context = {
        "mode": "province",
        "province": root,
        "years": years,
        "year": year,
        "result": result,
        "error": error,
        "headers": [label for label, _t in columns],
        "rows": _rows(columns),
        **_counties(request, root, result),
    }
    if result is not None:
        context["map"] = _province_map(result, root, year, request.GET.get("figure"))
    return render(request, "scorecard/compare.html", context)


MAP_FIGURE = "visits"  # the map's figure until the reader chooses another


def _province_map(result: dict, root: Region, year: int, chosen: str | None) -> dict:
    """The map of the province's cities: every figure of each city with a batch that year (the page's
    script colours the chosen one; the others are grey), its scorecard's address, and the chosen figure
    per city as a table for readers without the map."""
    codes = {m.code: m for m in SCORECARD_METRICS}
    figure = chosen if chosen in codes else MAP_FIGURE
    ids = dict(
        ((name, number), pk)
        for name, number, pk in Batch.objects.filter(city__parent=root, start_date__year=year).values_list(
            "city__name", "number", "pk"
        )
    )
    overview = reverse("scorecard:overview")
    cities = []
    for row in result["cities"]:
        totals = row["totals"]
        city = {"name": row["city"], "batch": None, "url": None, "values": {}}
        if totals is not None:
            city["batch"] = _("第%(n)s批") % {"n": row["batch"]}
            city["url"] = f"{overview}?batch={ids[(row['city'], row['batch'])]}"
            city["values"] = {code: float(totals[code]) for code in codes}
        cities.append(city)
    figures = [{"code": m.code, "label": m.label, "unit": m.unit_label} for m in SCORECARD_METRICS]
    table = [
        (c["name"], c["batch"], plain_number(result["cities"][i]["totals"][figure]) if c["batch"] else None, c["url"])
        for i, c in enumerate(cities)
    ]
    data = {"figure": figure, "figures": figures, "cities": cities, "none": _("无当年批次")}
    return {"figure": codes[figure], "figures": SCORECARD_METRICS, "data": data, "table": table}


@login_required
@require_POST
def county_ranking(request, pk):
    """Switch the ranking of a city's or province's counties on or off (its administrators), audited."""
    region = Region.objects.filter(pk=pk, level__in=(RegionLevel.CITY, RegionLevel.PROVINCE)).first()
    if region is None:
        raise Http404(_("城市或省份不存在"))
    if not may_switch_county_ranking(request.user, region):
        raise PermissionDenied(_("只有该市（省）的管理员可以开启或关闭县（市、区）排名"))
    enabled = request.POST.get("enabled") == "1"
    with audit_source("web"):
        county_ranking_set(region=region, enabled=enabled, by=request.user)
    messages.success(request, _("已开启县（市、区）排名") if enabled else _("已关闭县（市、区）排名"))
    if region.level == RegionLevel.PROVINCE:
        return redirect(reverse("scorecard:province") + f"?province={region.pk}")
    return redirect(reverse("scorecard:compare") + f"?city={region.pk}")

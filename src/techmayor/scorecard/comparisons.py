"""Comparisons (issue 11): a city's batches side by side at the same month of their tenure, and the
cities of a province side by side for a batch year, each with its counties' figures (the groups serving
a county-level division), ranked only where the city or province has switched ranking on
(``services.county_ranking_on``; docs/decisions/0026-county-ranking.md). Both read the scorecard's cells
(``metrics.table``), a few queries per batch, and return plain dicts for the command line, the JSON and
the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext

from techmayor.core import regions
from techmayor.core.errors import ApplicationError
from techmayor.core.models import Region, RegionLevel
from techmayor.roster.models import Batch, Tenure
from techmayor.roster.selectors import reference_day

from .metrics import METRICS, SCORECARD_METRICS, Scope, batch_totals, table
from .services import county_ranking_on

# The figures a county is listed (and may be ranked) on: the province's major-project list first.
COUNTY_METRICS = (
    "major_projects",
    "projects_brokered",
    "needs_collected",
    "needs_completed",
    "agreements",
    "contract_amount_wan",
    "received_amount_wan",
    "talents_introduced",
)
DEFAULT_RANK_BY = "major_projects"


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months (the 1st of August + 9 months = the 1st of May); the day of month is
    kept where the target month has it, else its last day."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - every month has a 28th


def months_into(batch: Batch, day: dt.date) -> int:
    """Which month of its tenure ``batch`` is in on ``day`` (the month it started is the 1st)."""
    day = min(max(day, batch.start_date), batch.end_date)
    months = (day.year - batch.start_date.year) * 12 + day.month - batch.start_date.month
    return months + (1 if day.day >= batch.start_date.day else 0)


def _totals(figures: dict[str, dict]) -> dict[str, int | Decimal]:
    return {code: by_group[None] for code, by_group in figures.items()}


def _zero(code: str) -> int | Decimal:
    return Decimal(0) if METRICS[code].unit == "万元" else 0


def county_figures(tables: list[tuple[Batch, dict[str, dict]]], *, ranked: bool, rank_by: str = DEFAULT_RANK_BY):
    """The counties served by the groups of the batches (with each batch's ``table``): their figures, in
    the order of the division codes — or, when ``ranked``, by ``rank_by`` (largest first, ties sharing a
    rank, then code order) with each county's ``rank``. Nothing says "rank" unless ``ranked``. A county's
    家 are counted per group (two groups serving one county would count a shared enterprise twice)."""
    if rank_by not in COUNTY_METRICS:
        raise ApplicationError(
            gettext("排名指标应为 %(codes)s 之一") % {"codes": "、".join(COUNTY_METRICS)}, field="rank_by"
        )
    rows: dict[int, dict[str, Any]] = {}
    for batch, figures in tables:
        for group in batch.groups.select_related("district__parent").order_by("id"):
            county = group.district
            row = rows.setdefault(
                county.pk,
                {
                    "county": county.name,
                    "code": county.code,
                    "city": county.parent.name if county.parent_id else "",
                    "figures": {code: _zero(code) for code in COUNTY_METRICS},
                },
            )
            for code in COUNTY_METRICS:
                row["figures"][code] += figures[code].get(group.pk, 0)
    counties = sorted(rows.values(), key=lambda r: (r["code"] or "999999", r["county"]))
    result: dict[str, Any] = {
        "ranked": ranked,
        "metrics": {code: {"name": METRICS[code].name, "unit": METRICS[code].unit} for code in COUNTY_METRICS},
    }
    if ranked:
        counties.sort(key=lambda r: -r["figures"][rank_by])  # stable: code order among equals
        previous, rank = None, 0
        for position, row in enumerate(counties, start=1):
            if row["figures"][rank_by] != previous:
                previous, rank = row["figures"][rank_by], position
            row["rank"] = rank
        result["rank_by"] = rank_by
    result["counties"] = counties
    return result


def _counties(scopes: list[Scope], *, region: Region, rank_by: str) -> dict[str, Any]:
    """The counties of the batches of ``scopes`` where ``region`` ranks its counties; else none listed.

    Their figures are per group (one ``table`` per batch), so they are read only when asked for: the
    comparisons themselves cost a constant number of queries whatever the number of batches.
    """
    if not county_ranking_on(region):
        if rank_by not in COUNTY_METRICS:
            county_figures([], ranked=False, rank_by=rank_by)  # the same error for a wrong figure
        return {"ranked": False, "metrics": {}, "counties": []}
    return county_figures([(s.batch, table(s)) for s in scopes], ranked=True, rank_by=rank_by)


def _metrics() -> dict[str, dict[str, str]]:
    return {m.code: {"name": m.name, "unit": m.unit, "rule": m.rule} for m in SCORECARD_METRICS}


def compare_batches(
    *, city: str | Region, numbers: list[int], months: int | None = None, rank_by: str = DEFAULT_RANK_BY
) -> dict[str, Any]:
    """The batches ``numbers`` of ``city`` side by side over the first ``months`` months of each one's
    tenure (default: as many months as the latest of them has served so far), and the counties of the
    latest of them over the same months (ranked by ``rank_by`` if the city ranks its counties)."""
    region = city if isinstance(city, Region) else regions.city(city)
    numbers = sorted(set(numbers))
    if len(numbers) < 2:
        raise ApplicationError(gettext("请至少指定两个批次，如 13,14"), field="compare")
    found = {b.number: b for b in Batch.objects.select_related("city").filter(city=region, number__in=numbers)}
    missing = [n for n in numbers if n not in found]
    if missing:
        raise ApplicationError(
            gettext("%(city)s没有第%(numbers)s批") % {"city": region.name, "numbers": "、".join(map(str, missing))},
            field="compare",
        )
    latest = found[numbers[-1]]
    if months is None:
        months = months_into(latest, reference_day(latest))
    if months < 1:
        raise ApplicationError(gettext("比较的月数须为正整数"), field="months")
    scopes = [
        Scope(
            batch=found[n],
            start=found[n].start_date,
            end=min(add_months(found[n].start_date, months) - dt.timedelta(days=1), found[n].end_date),
        )
        for n in numbers
    ]
    totals = batch_totals(scopes)
    rows = [
        {
            "batch": s.batch.number,
            "period": {"start": s.start.isoformat(), "end": s.end.isoformat()},
            "totals": totals[s.batch.pk],
        }
        for s in scopes
    ]
    counties = _counties([scopes[-1]], region=region, rank_by=rank_by)
    return {"city": region.name, "months": months, "batches": rows, "metrics": _metrics(), "counties": counties}


def province_year(*, province: str | Region, year: int, rank_by: str = DEFAULT_RANK_BY) -> dict[str, Any]:
    """Every city of ``province`` with its batch that arrived in ``year`` (its totals over its whole term
    so far), and the province's sum of the cities' figures. A city without such a batch is listed empty.
    The counties those batches serve follow (ranked by ``rank_by`` if the province ranks its counties)."""
    root = province if isinstance(province, Region) else regions.region_by_name(province, RegionLevel.PROVINCE)
    if root is None:
        raise ApplicationError(
            gettext("未找到省份「%(name)s」，请先运行 techmayor load_regions --province %(name)s") % {"name": province},
            field="province",
        )
    cities = list(Region.objects.filter(parent=root, level=RegionLevel.CITY).order_by("code", "name"))
    batches = {
        b.city_id: b
        for b in Batch.objects.filter(city__in=cities, start_date__year=year).order_by("city_id", "-number")
    }
    members = {
        r["batch"]: r["n"]
        for r in Tenure.objects.filter(batch__in=batches.values()).values("batch").annotate(n=_count("member"))
    }
    figures = batch_totals([Scope(batch=b) for b in batches.values()])
    rows, sums = [], {m.code: (Decimal(0) if m.unit == "万元" else 0) for m in SCORECARD_METRICS}
    scopes = []
    for city in cities:
        batch = batches.get(city.pk)
        if batch is None:
            rows.append({"city": city.name, "batch": None, "period": None, "members": 0, "totals": None})
            continue
        totals = figures[batch.pk]
        scopes.append(Scope(batch=batch, start=batch.start_date, end=batch.end_date))
        for code, number in totals.items():
            sums[code] += number
        rows.append(
            {
                "city": city.name,
                "batch": batch.number,
                "period": {"start": batch.start_date.isoformat(), "end": batch.end_date.isoformat()},
                "members": members.get(batch.pk, 0),
                "totals": totals,
            }
        )
    return {
        "province": root.name,
        "year": year,
        "cities": rows,
        "totals": sums,
        "note": "全省合计为各市数字之和（“家”按各市分别去重）",
        "metrics": _metrics(),
        "counties": _counties(scopes, region=root, rank_by=rank_by),
    }


def _count(field: str):
    from django.db.models import Count

    return Count(field, distinct=True)


def render(result: dict[str, Any]) -> str:
    """A comparison as an aligned text table: one row per figure, one column per batch or city."""
    from .services import plain_number

    if "province" in result:
        title = f"{result['province']} {result['year']}年到任批次 各市创新成绩单（{result['note']}）"
        columns = [
            (f"{r['city']}" + (f"第{r['batch']}批" if r["batch"] else ""), r["totals"]) for r in result["cities"]
        ]
        columns.append(("全省合计", result["totals"]))
    else:
        title = f"{result['city']} 各批次任期前 {result['months']} 个月创新成绩单"
        columns = [(f"第{r['batch']}批（至{r['period']['end']}）", r["totals"]) for r in result["batches"]]
    rows = [["指标", "单位", *(name for name, _ in columns)]]
    for code, meta in result["metrics"].items():
        cells = [meta["name"], meta["unit"]]
        cells += ["—" if totals is None else str(plain_number(totals[code])) for _, totals in columns]
        rows.append(cells)
    lines = [title, "", *_aligned(rows, 2)]
    counties = result.get("counties")
    if counties and counties["counties"]:
        lines += ["", _county_title(counties), ""]
        codes = list(counties["metrics"])
        head = ["名次"] if counties["ranked"] else []
        table_rows = [[*head, "县（市、区）", "所属市", *(counties["metrics"][c]["name"] for c in codes)]]
        for row in counties["counties"]:
            rank = [f"第{row['rank']}"] if counties["ranked"] else []
            figures = [str(plain_number(row["figures"][c])) for c in codes]
            table_rows.append([*rank, row["county"], row["city"], *figures])
        lines += _aligned(table_rows, len(head) + 2)
    return "\n".join(lines)


def _county_title(counties: dict[str, Any]) -> str:
    if counties["ranked"]:
        meta = counties["metrics"][counties["rank_by"]]
        return f"各县（市、区）按{meta['name']}（{meta['unit']}）排名"
    return "各县（市、区）（按行政区划代码排列，不排名）"


def _aligned(rows: list[list[str]], numeric_from: int) -> list[str]:
    from .services import _pad, _width

    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for index, row in enumerate(rows):
        lines.append("  ".join(_pad(cell, widths[i], right=i >= numeric_from) for i, cell in enumerate(row)))
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines

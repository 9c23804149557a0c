"""Comparisons (issue 11): a city's batches side by side at the same month of their tenure, and the
cities of a province side by side for a batch year. Both read the scorecard's cells (``metrics.table``),
a few queries per batch, and return plain dicts for the command line, the JSON and the pages."""

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

from .metrics import SCORECARD_METRICS, Scope, batch_totals


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


def _metrics() -> dict[str, dict[str, str]]:
    return {m.code: {"name": m.name, "unit": m.unit, "rule": m.rule} for m in SCORECARD_METRICS}


def compare_batches(*, city: str | Region, numbers: list[int], months: int | None = None) -> dict[str, Any]:
    """The batches ``numbers`` of ``city`` side by side over the first ``months`` months of each one's
    tenure (default: as many months as the latest of them has served so far)."""
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
    return {"city": region.name, "months": months, "batches": rows, "metrics": _metrics()}


def province_year(*, province: str | Region, year: int) -> dict[str, Any]:
    """Every city of ``province`` with its batch that arrived in ``year`` (its totals over its whole term
    so far), and the province's sum of the cities' figures. A city without such a batch is listed empty."""
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
    for city in cities:
        batch = batches.get(city.pk)
        if batch is None:
            rows.append({"city": city.name, "batch": None, "period": None, "members": 0, "totals": None})
            continue
        totals = figures[batch.pk]
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
    }


def _count(field: str):
    from django.db.models import Count

    return Count(field, distinct=True)


def render(result: dict[str, Any]) -> str:
    """A comparison as an aligned text table: one row per figure, one column per batch or city."""
    from .services import _pad, _width, plain_number

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
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [title, ""]
    for index, row in enumerate(rows):
        lines.append("  ".join(_pad(cell, widths[i], right=i >= 2) for i, cell in enumerate(row)))
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)

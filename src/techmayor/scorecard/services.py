"""The scorecard (创新成绩单) of a batch: totals, per group, per member, with the rules that count them."""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from techmayor.accounts.choices import Role
from techmayor.accounts.scopes import active_roles, administers
from techmayor.core.errors import ApplicationError
from techmayor.core.models import RegionLevel
from techmayor.core.services import create_record, update_record
from techmayor.roster.models import Batch, Group, Tenure

from .metrics import SCORECARD_METRICS, Scope, table, value
from .models import CountyRanking


def batch_lookup(*, city: str, number: int) -> Batch:
    try:
        return Batch.objects.select_related("city").get(city__name=city, number=number)
    except Batch.DoesNotExist as exc:
        known = ", ".join(str(b) for b in Batch.objects.select_related("city").all()[:20]) or gettext("无")
        raise ApplicationError(
            gettext("找不到%(city)s第%(number)s批（已有批次：%(known)s）")
            % {"city": city, "number": number, "known": known},
            field="batch",
        ) from exc


def figures(scope: Scope) -> dict[str, int | Decimal]:
    return {metric.code: value(metric, scope) for metric in SCORECARD_METRICS}


def scorecard(*, batch: Batch, start: dt.date | None = None, end: dt.date | None = None) -> dict[str, Any]:
    """Every figure of the batch, in total and for each group, computed from the records now."""
    if start and end and end < start:
        raise ApplicationError(
            gettext("统计截止日期 %(end)s 早于起始日期 %(start)s") % {"end": end, "start": start}, field="end"
        )
    total_scope = Scope(batch=batch, start=start, end=end)
    period_start, period_end = total_scope.period
    tenures = Tenure.objects.filter(batch=batch)
    groups = list(Group.objects.filter(batch=batch).order_by("id"))
    figures = table(total_scope)
    totals: dict[str, int | Decimal] = {code: by_group[None] for code, by_group in figures.items()}
    per_group: dict[str, dict[str, int | Decimal]] = {g.name: {} for g in groups}
    for metric in SCORECARD_METRICS:
        zero = Decimal(0) if metric.unit == "万元" else 0
        for group in groups:
            per_group[group.name][metric.code] = figures[metric.code].get(group.pk, zero)
    return {
        "batch": batch.number,
        "city": batch.city.name,
        "period": {"start": period_start.isoformat(), "end": period_end.isoformat()},
        "totals": totals,
        "groups": per_group,
        "members": tenures.values("member").distinct().count(),
        "dispatch_units": tenures.values("dispatch_unit").distinct().count(),
        "metrics": {m.code: {"name": m.name, "unit": m.unit, "rule": m.rule} for m in SCORECARD_METRICS},
    }


def plain_number(number: int | Decimal) -> int | float:
    """2212.0000 → 2212; 3886.5000 → 3886.5 (JSON and tables show amounts without trailing zeros)."""
    if isinstance(number, Decimal):
        return int(number) if number == number.to_integral_value() else float(number.normalize())
    return number


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    fill = " " * max(0, width - _width(text))
    return fill + text if right else text + fill


def render_table(card: dict[str, Any]) -> str:
    """The scorecard as an aligned text table: one row per figure, 合计 then each group."""
    groups = list(card["groups"])
    header = ["指标", "单位", "合计", *groups]
    rows = [header]
    for code, meta in card["metrics"].items():
        cells = [meta["name"], meta["unit"], str(plain_number(card["totals"][code]))]
        cells += [str(plain_number(card["groups"][g][code])) for g in groups]
        rows.append(cells)
    widths = [max(_width(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        f"{card['city']}第{card['batch']}批科技镇长团 创新成绩单"
        f"（{card['period']['start']} 至 {card['period']['end']}）",
        f"团员 {card['members']} 名，来自 {card['dispatch_units']} 家派出单位",
        "",
    ]
    for index, row in enumerate(rows):
        lines.append("  ".join(_pad(cell, widths[i], right=i >= 2) for i, cell in enumerate(row)))
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


# --- the county ranking switch (docs/decisions/0026-county-ranking.md) ---------------------------


def county_ranking_on(region) -> bool:
    """Whether ``region`` (a city or a province) ranks its counties; off without a setting."""
    return region is not None and CountyRanking.objects.filter(region=region, enabled=True).exists()


def may_switch_county_ranking(user, region) -> bool:
    """A city's switch is its administrators' (and its province's); a province's, its administrators'."""

    if region is None or not getattr(user, "is_authenticated", False):
        return False
    if region.level == RegionLevel.CITY:
        return administers(user, region.pk)
    if region.level == RegionLevel.PROVINCE:
        return bool(user.is_superuser) or any(
            a.role == Role.PROVINCE_ADMIN and a.region_id == region.pk for a in active_roles(user)
        )
    return False


@transaction.atomic
def county_ranking_set(*, region, enabled: bool, by=None):
    """Switch the ranking of ``region``'s counties on or off (a city or a province), audited."""
    if region is None or region.level not in (RegionLevel.CITY, RegionLevel.PROVINCE):
        raise ApplicationError(gettext("县（市、区）排名只能按地级市或省份设置"), field="region")
    setting = CountyRanking.objects.select_for_update().filter(region=region).first()
    if setting is None:
        return create_record(CountyRanking, by=by, region=region, enabled=bool(enabled))
    return update_record(setting, by=by, enabled=bool(enabled))

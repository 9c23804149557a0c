"""The dashboards' data: every figure and funnel step from ``scorecard.metrics``.

A dashboard covers one batch and the groups the reader may see (``roster.selectors.group_list``);
the figures are the groups' figures, the same as the scorecard's, and every chart element carries
the URL of the records behind it. The number of queries does not depend on the number of records
or months: one grouped query of the figures' cells per figure and funnel step.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from techmayor.accounts.choices import Role
from techmayor.needs.choices import NeedState
from techmayor.needs.state_machine import MAIN_PATH
from techmayor.scorecard import rollup
from techmayor.scorecard.metrics import METRICS, Scope, breakdown, table
from techmayor.scorecard.selectors import drill_url, month_of
from techmayor.scorecard.services import plain_number

from .geo import CITY_MAPS, geo_version
from .models import CityDashboard

# The main figures, month by month (issue: visits, needs, matchmaking events, agreements, money).
TREND_METRICS = ("visits", "needs_collected", "matchmaking_events", "agreements", "contract_amount_wan")
# The groups side by side, and the figures a map can be coloured by.
COMPARE_METRICS = (
    "visits",
    "enterprises_visited",
    "needs_collected",
    "needs_completed",
    "matchmaking_events",
    "expert_visits",
    "cooperation_intents",
    "agreements",
    "contract_amount_wan",
    "received_amount_wan",
    "projects_brokered",
    "talents_introduced",
)


# Who sees the whole dashboard; members and town staff see their group's trend and funnels only.
FULL_VIEW_ROLES = (Role.CITY_ADMIN, Role.LEADER, Role.DISTRICT_STAFF, Role.GROUP_LEADER)  # and the province's


def show_ranking(city) -> bool:
    """Whether the city's dashboards rank the groups (off unless an administrator switched it on)."""
    return CityDashboard.objects.filter(city=city, show_ranking=True).exists()


def months_of(batch) -> list[dt.date]:
    """The first day of every month of the batch's term."""
    months, day = [], batch.start_date.replace(day=1)
    while day <= batch.end_date:
        months.append(day)
        day = month_of(day)[1] + dt.timedelta(days=1)
    return months


def _meta(code: str) -> dict:
    metric = METRICS[code]
    return {
        "code": code,
        "name": metric.label,
        "unit": metric.unit_label,
        "rule": metric.rule_label,
        "heading": metric.heading,
    }


def _url(name: str, **params) -> str:
    return f"{reverse(name)}?{urlencode({k: v for k, v in params.items() if v is not None})}"


def trend(batch, groups) -> dict:
    """Each main figure per month (rows) and group (cells), one grouped query per figure."""
    months = months_of(batch)
    metrics = []
    for code in TREND_METRICS:
        values = breakdown(code, Scope(batch=batch), monthly=True)
        rows = []
        for month in months:
            start, end = month_of(month)
            cells = [
                {
                    "value": plain_number(values.get((g.pk, month), 0)),
                    "url": drill_url(code, Scope(batch=batch, group=g, start=start, end=end)),
                }
                for g in groups
            ]
            rows.append({"month": month.strftime("%Y-%m"), "cells": cells})
        metrics.append({**_meta(code), "rows": rows})
    return {"groups": [g.name for g in groups], "metrics": metrics}


def compare(batch, groups, *, ranking: bool) -> dict:
    """The groups side by side on the same figures; with ``ranking``, each figure's rank per group."""
    rows = {g.pk: {"group": g.name, "group_id": g.pk, "district": g.district.name, "cells": []} for g in groups}
    metrics = []
    figures = table(Scope(batch=batch), [METRICS[code] for code in COMPARE_METRICS])
    for code in COMPARE_METRICS:
        metrics.append(_meta(code))
        numbers = {g.pk: plain_number(figures[code].get(g.pk, 0)) for g in groups}
        ranks = _ranks(numbers) if ranking else {}
        for g in groups:
            rows[g.pk]["cells"].append(
                {
                    "code": code,
                    "value": numbers[g.pk],
                    "rank": ranks.get(g.pk),
                    "url": drill_url(code, Scope(batch=batch, group=g)),
                }
            )
    return {"metrics": metrics, "rows": list(rows.values()), "ranking": ranking}


def _ranks(numbers: dict[int, float]) -> dict[int, int]:
    """Competition ranking (1, 2, 2, 4): equal figures share a rank."""
    ordered = sorted(numbers.values(), reverse=True)
    return {key: ordered.index(value) + 1 for key, value in numbers.items()}


def _median_days(histogram: dict[str, int]) -> float | None:
    """The median of stays given as ``{tenths of a day: how many}``, in days to one decimal."""
    total = sum(histogram.values())
    if not total:
        return None
    middle, seen, values = ((total - 1) // 2, total // 2), 0, []
    for tenths, count in sorted((int(k), n) for k, n in histogram.items()):
        values += [tenths for i in middle if seen <= i < seen + count]
        seen += count
    return round(sum(values) / len(values) / 10, 1)


def _steps(counts: list[tuple[str, str, int]]) -> list[dict]:
    """Funnel steps with the share of the previous step lost at each (None at the first)."""
    steps, previous = [], None
    for state, label, count in counts:
        lost = None if previous is None else ((previous - count) / previous if previous else 0.0)
        steps.append(
            {"state": state, "label": str(label), "count": count, "lost_share": lost, "lost_text": _share(lost)}
        )
        previous = count
    return steps


def funnels(batch, groups, *, whole_batch: bool) -> dict:
    """The need and cooperation funnels over the groups, with links to the records at each step.

    Counted from the cells (``scorecard.metrics.FUNNEL_METRICS``), so the cost does not grow with the
    number of needs: the need funnel's steps are the collected needs that reached each step of the main
    path (``Need.reached``), the median days in each state are over the stays that ended (entered at the
    need's creation or a step, left at the next step; measured in tenths of a day), and the cooperation
    funnel follows ``Agreement.intent`` to the intents and their receipts.
    """
    group = groups[0] if len(groups) == 1 else None
    scope = Scope(batch=batch, group=group)
    where = {"batch": batch.pk, "group": group.pk if group else None}

    labels = {"collected": _("采集"), "verified": _("已核实"), "published": _("已发布"), "claimed": _("已认领"),
              "completed": _("已办结")}  # fmt: skip
    steps_of = {"collected": "needs_collected", **{s: f"_needs_{s}" for s in list(labels)[1:]}}
    stays_of = {state: f"_stays_{state}" for state in MAIN_PATH[:-1]}
    coop_of = {"intents": "cooperation_intents", "agreement": "_intents_agreed", "received": "_intents_received"}
    cells = rollup.sums([*steps_of.values(), *stays_of.values(), *coop_of.values()], batch, groups)

    steps = _steps([(state, labels[state], cells[code].get("", 0)) for state, code in steps_of.items()])
    for step in steps:
        if step["state"] == "collected":
            step["url"] = drill_url("needs_collected", scope) if whole_batch or group else None
        else:
            step["url"] = _url("needs:need_list", reached=step["state"], **where)
    days = [
        {"state": str(state), "label": str(NeedState(state).label), "median_days": _median_days(cells[code]),
         "stays": sum(cells[code].values())}
        for state, code in stays_of.items()
    ]  # fmt: skip

    coop_labels = {"intents": _("合作意向"), "agreement": _("促成协议"), "received": _("协议到账")}
    coop = _steps([(step, coop_labels[step], cells[code].get("", 0)) for step, code in coop_of.items()])
    for step, progress in zip(coop, (None, "agreement", "received"), strict=True):
        step["url"] = _url("cooperation:intent_list", progress=progress, **where)
    return {"need": {"steps": steps, "days": days}, "cooperation": coop}


def _share(share: float | None) -> str:
    return "—" if share is None else f"{share:.0%}"


def city_map(batch, compare_data: dict) -> dict | None:
    """The city's districts coloured by a figure: each group's figures placed on the district it serves."""
    name = CITY_MAPS.get(batch.city.name)
    if name is None:
        return None
    regions: dict[str, dict] = {}
    for row in compare_data["rows"]:
        region = regions.get(row["district"])
        if region is None:  # one group per district in a batch; a second one adds to the first
            regions[row["district"]] = {"district": row["district"], "groups": [row["group"]], "cells": row["cells"]}
            continue
        region["groups"].append(row["group"])
        region["cells"] = [
            {**a, "value": a["value"] + b["value"]} for a, b in zip(region["cells"], row["cells"], strict=True)
        ]
    url = f"{reverse('dashboards:geo', args=[name])}?v={geo_version(name)}"
    return {"name": batch.city.name, "geojson": url, "regions": list(regions.values())}


def dashboard(*, batch, groups, whole_batch: bool, full: bool) -> dict:
    """Everything the dashboard draws. ``full``: also the groups side by side and the map."""
    data = {
        "batch": str(batch),
        "groups": [{"id": g.pk, "name": g.name, "district": g.district.name} for g in groups],
        "trend": trend(batch, groups),
        "funnels": funnels(batch, groups, whole_batch=whole_batch),
    }
    if full:
        data["compare"] = compare(batch, groups, ranking=show_ranking(batch.city))
        data["map"] = city_map(batch, data["compare"])
    return data

"""Figures for pages (home, group, member) and the records behind them, scoped to the reader.

A figure is computed by ``metrics.value`` over its scope (batch, group, member, period), the same
for everyone who may see it. Its drill-down lists ``metrics.records`` *intersected with the
reader's data scope*: a member looking at their group's 走访 figure sees the figure, and in the
drill-down only the visits they may read (the page says how many others there are).
"""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse

from techmayor.roster.selectors import scoped

from .metrics import METRICS, SCORECARD_METRICS, Metric, Scope, records, table, value

# The figures a home page shows for a month (the scorecard's main lines).
HOME_METRICS = (
    "visits",
    "enterprises_visited",
    "needs_collected",
    "matchmaking_events",
    "docking_events",
    "expert_visits",
    "cooperation_intents",
    "agreements",
    "contract_amount_wan",
    "talents_introduced",
)


def month_of(day: dt.date) -> tuple[dt.date, dt.date]:
    return day.replace(day=1), day.replace(day=monthrange(day.year, day.month)[1])


def scope_params(scope: Scope) -> dict:
    params = {"batch": scope.batch.pk}
    if scope.group is not None:
        params["group"] = scope.group.pk
    if scope.member is not None:
        params["member"] = scope.member.pk
    if scope.start:
        params["start"] = scope.start.isoformat()
    if scope.end:
        params["end"] = scope.end.isoformat()
    return params


def drill_url(code: str, scope: Scope) -> str:
    return f"{reverse('scorecard:drill', args=[code])}?{urlencode(scope_params(scope))}"


def figure(metric: Metric | str, scope: Scope, number: int | Decimal | None = None) -> dict:
    """A figure as pages show it; ``number`` when already read (else read now)."""
    metric = METRICS[metric] if isinstance(metric, str) else metric
    number = value(metric, scope) if number is None else number
    shown = f"{number.normalize():f}" if isinstance(number, Decimal) else number
    return {
        "code": metric.code,
        "name": metric.label,
        "unit": metric.unit_label,
        "rule": metric.rule_label,
        "value": shown,
        "number": number,
        "url": drill_url(metric.code, scope),
    }


def figures(scope: Scope, codes=None) -> list[dict]:
    metrics = [METRICS[c] for c in codes] if codes else SCORECARD_METRICS
    return [figure(m, scope) for m in metrics]


# --- the scorecard page: every figure for the total and each group, optionally against another period


Period = tuple[dt.date | None, dt.date | None]  # (start, end); None: the batch's own start or end


def change(current: int | Decimal, previous: int | Decimal) -> dict:
    """The change from ``previous`` to ``current``: absolute, and in % when the base is not zero."""
    delta = current - previous
    percent = round(float(delta) / float(previous) * 100, 1) if previous else None
    shown = f"{delta.normalize():f}" if isinstance(delta, Decimal) else str(delta)
    return {
        "delta": delta,
        "delta_text": shown if delta < 0 else f"+{shown}",
        "percent": percent,
        "percent_text": f"{percent:+.1f}%" if percent is not None else "",
    }


def scorecard_rows(*, batch, groups, show_total: bool, period: Period, compare: Period | None = None) -> list[dict]:
    """One row per scorecard figure; its cells the total (when shown) and each group, each cell with
    the figure over ``period`` and, when ``compare`` is given, the figure then and the change."""
    columns = [None, *groups] if show_total else list(groups)
    now = table(Scope(batch=batch, start=period[0], end=period[1]))
    then = table(Scope(batch=batch, start=compare[0], end=compare[1])) if compare is not None else None
    rows = []
    for metric in SCORECARD_METRICS:
        zero = Decimal(0) if metric.unit == "万元" else 0
        cells = []
        for group in columns:
            key = group.pk if group is not None else None
            scope = Scope(batch=batch, group=group, start=period[0], end=period[1])
            cell = figure(metric, scope, now[metric.code].get(key, zero))
            if then is not None:
                scope = Scope(batch=batch, group=group, start=compare[0], end=compare[1])
                base = figure(metric, scope, then[metric.code].get(key, zero))
                cell.update(compare=base, **change(cell["number"], base["number"]))
            cells.append(cell)
        rows.append({"metric": metric, "cells": cells})
    return rows


# --- the reader's scope over each kind of record a metric counts -------------------------------


def readable(model, user) -> QuerySet:
    """The records of ``model`` (a metric's record model) that ``user`` may read."""
    label = model._meta.label
    if label.startswith("ledger."):
        from techmayor.ledger.selectors import scoped_records

        return scoped_records(model, user=user)
    if label == "cooperation.Intent":
        from techmayor.cooperation.selectors import scoped_intents

        return scoped_intents(user=user)
    if label == "cooperation.Agreement":
        from techmayor.cooperation.selectors import scoped_agreements

        return scoped_agreements(user=user)
    if label == "cooperation.AgreementReceipt":
        from techmayor.cooperation.selectors import scoped_receipts

        return scoped_receipts(user=user)
    if label == "enterprises.EnterpriseLink":
        from techmayor.enterprises.selectors import LINK_PATHS

        return scoped(model.objects.all(), user, LINK_PATHS)
    if label in ("needs.Need", "needs.OutcomeRound"):
        from techmayor.needs.selectors import need_visible

        needs = need_visible(user)
        return needs if label == "needs.Need" else model.objects.filter(need__in=needs.values("pk"))
    if label == "resources.University":
        return model.objects.all()  # the national list of universities is public
    return model.objects.none()


def drill_records(metric: Metric, scope: Scope, user) -> tuple[QuerySet, int]:
    """The records behind a figure that ``user`` may read, and how many there are in all."""
    everything = records(metric, scope)
    visible = everything.filter(pk__in=readable(everything.model, user).values("pk"))
    return visible, everything.count()

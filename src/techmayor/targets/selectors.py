"""Targets as readers see them: which targets a reader may see, and each one's progress, pace and forecast.

The figure done is the scorecard's own (``scorecard.metrics``, the groups' cells), drillable through
``scorecard.selectors.drill_url``; the pace and the forecast are computed by :mod:`.pace`. The cost
does not grow with the records: one query of cells per metric (``rollup.cumulative``) for the batch and
one per metric for each past batch of the city; a member's target counts that member's records.
"""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from techmayor.roster.models import Batch
from techmayor.roster.selectors import group_list, reference_day
from techmayor.scorecard import rollup
from techmayor.scorecard.metrics import METRICS, Scope, live_value
from techmayor.scorecard.selectors import drill_url
from techmayor.scorecard.services import plain_number

from . import pace
from .models import Target
from .services import margin_of

MET, LIKELY, POSSIBLE, UNLIKELY = "met", "likely", "possible", "unlikely"


def month_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    """The last day of every month from ``start`` to ``end``, the last one cut at ``end``."""
    days, day = [], start
    while day <= end:
        last = day.replace(day=monthrange(day.year, day.month)[1])
        days.append(min(last, end))
        day = last + dt.timedelta(days=1)
    return days


def visible_targets(*, user, batch: Batch, groups=None):
    """The batch's targets of the groups ``user`` may read (``groups``: only these of them); the whole
    batch's targets only for readers of every group (and when no narrower ``groups`` are asked)."""
    readable = list(group_list(user=user, batch=batch))
    chosen = readable if groups is None else [g for g in readable if g.pk in {x.pk for x in groups}]
    q = Q(group__in=chosen)
    if groups is None and readable and len(readable) == batch.groups.count():
        q |= Q(group__isnull=True)
    return (
        Target.objects.filter(batch=batch)
        .filter(q)
        .select_related("batch__city", "group", "member")
        .order_by("group_id", "member_id", "id")
    )


def percent(share: float) -> int:
    """A share as a whole percentage cut down (never overstating, decision 0006): 0.996 → 99."""
    return int((Decimal(str(share)) * 100).to_integral_value(rounding=ROUND_FLOOR))


@dataclass
class Progress:
    target: Target
    done: int | Decimal
    as_of: dt.date
    elapsed: float  # share of the tenure elapsed
    expected: float  # share expected by now (the pace)
    margin: int  # percentage points
    forecast: pace.Forecast | None
    url: str
    shape: str  # "linear" or "past" (past batches' month-by-month shape)
    chart: dict = field(default_factory=dict)

    @property
    def metric(self):
        return METRICS[self.target.metric]

    @property
    def value(self) -> Decimal:
        return self.target.value

    @property
    def share(self) -> float:
        return float(self.done) / float(self.target.value)

    @property
    def percent(self) -> int:
        return percent(self.share)

    @property
    def expected_percent(self) -> int:
        return percent(self.expected)

    @property
    def expected_value(self) -> float:
        return round(float(self.target.value) * self.expected, 1)

    @property
    def met(self) -> bool:
        return self.done >= self.target.value

    @property
    def early(self) -> bool:
        return self.met and self.as_of < self.target.batch.end_date

    @property
    def behind(self) -> bool:
        """Below the pace by more than the margin (and not met)."""
        return not self.met and self.share < self.expected - self.margin / 100

    @property
    def outlook(self) -> str:
        if self.met:
            return MET
        f = self.forecast
        if f is None:
            return POSSIBLE
        if f.point >= float(self.target.value):
            return LIKELY
        return POSSIBLE if f.high >= float(self.target.value) else UNLIKELY

    @property
    def outlook_label(self) -> str:
        return {
            MET: _("提前完成") if self.early else _("已完成"),
            LIKELY: _("预计可完成"),
            POSSIBLE: _("有望完成"),
            UNLIKELY: _("预计难以完成"),
        }[self.outlook]

    @property
    def status_label(self) -> str:
        if self.met:
            return self.outlook_label
        return _("进度滞后") if self.behind else _("进度正常")

    @property
    def shown_value(self) -> str:
        return self.shown(self.target.value)

    @property
    def shown_done(self) -> str:
        return self.shown(self.done)

    @property
    def shown_point(self) -> str:
        return self.shown(self.forecast.point) if self.forecast else "—"

    @property
    def shown_low(self) -> str:
        return self.shown(self.forecast.low) if self.forecast else "—"

    @property
    def shown_high(self) -> str:
        return self.shown(self.forecast.high) if self.forecast else "—"

    def shown(self, number) -> str:
        """A number as the pages write it (amounts to two decimals at most, counts whole)."""
        if number is None:
            return "—"
        if isinstance(number, float):
            number = Decimal(str(round(number, 2 if self.metric.unit == "万元" else 1)))
        number = plain_number(Decimal(number))
        return str(number)


def past_curves(batch: Batch, codes: set[str]) -> dict[str, list]:
    """Each metric's cumulative shape in the city's past batches that counted anything for it."""
    past = list(Batch.objects.filter(city_id=batch.city_id, end_date__lte=batch.start_date).order_by("start_date"))
    curves: dict[str, list] = {code: [] for code in codes}
    for old in past:
        days = month_ends(old.start_date, old.end_date)
        for code in codes:
            series = rollup.cumulative(METRICS[code], old, days).get(None)
            curve = (
                pace.curve_of(list(zip(days, (float(v) for v in series), strict=True)), old.start_date, old.end_date)
                if series
                else None
            )
            if curve is not None:
                curves[code].append(curve)
    return curves


def progress_list(targets, *, as_of: dt.date | None = None, batch: Batch | None = None) -> list[Progress]:
    """Each target's progress to ``as_of`` (default: the batch's business day), pace and forecast."""
    targets = list(targets)
    if not targets:
        return []
    batch = batch or targets[0].batch
    as_of = reference_day(batch) if as_of is None else min(max(as_of, batch.start_date), batch.end_date)
    days = [d for d in month_ends(batch.start_date, as_of) if d < as_of] + [as_of]
    codes = {t.metric for t in targets}
    series = {code: rollup.cumulative(METRICS[code], batch, days) for code in codes}
    curves = past_curves(batch, codes)
    margin = margin_of(batch.city)
    elapsed = pace.elapsed_share(batch.start_date, batch.end_date, as_of)
    found = []
    for t in targets:
        metric = METRICS[t.metric]
        zero = Decimal(0) if metric.unit == "万元" else 0
        if t.member_id:
            values = [live_value(metric, Scope(batch=batch, member=t.member, end=d)) for d in days]
            scope = Scope(batch=batch, member=t.member, end=as_of)
        else:
            values = series[t.metric].get(t.group_id, [zero] * len(days))
            scope = Scope(batch=batch, group=t.group, end=as_of)
        points = list(zip(days, (float(v) for v in values), strict=True))
        done = values[-1]
        own = curves[t.metric]
        result = Progress(
            target=t,
            done=done,
            as_of=as_of,
            elapsed=elapsed,
            expected=pace.expected_share(elapsed, own),
            margin=margin,
            url=drill_url(t.metric, scope),
            shape="past" if own else "linear",
            forecast=pace.forecast(
                done=float(done), start=batch.start_date, end=batch.end_date, as_of=as_of, points=points, curves=own
            ),
        )
        result.chart = _chart(result, points, own)
        found.append(result)
    return found


def _chart(p: Progress, points, curves) -> dict:
    """What the chart draws: the actual figure by month, the pace line, the forecast band, the target."""
    batch = p.target.batch
    target = float(p.target.value)
    pace_days = [batch.start_date, *month_ends(batch.start_date, batch.end_date)]
    pace_line = [
        [
            d.isoformat(),
            round(target * pace.expected_share(pace.elapsed_share(batch.start_date, batch.end_date, d), curves), 2),
        ]
        for d in pace_days
    ]
    data = {
        "id": p.target.pk,
        "title": f"{p.target.scope_label} · {p.metric.heading}",
        "unit": p.metric.unit_label,
        "start": batch.start_date.isoformat(),
        "end": batch.end_date.isoformat(),
        "target": target,
        "actual": [[batch.start_date.isoformat(), 0], *([d.isoformat(), round(v, 2)] for d, v in points)],
        "pace": pace_line,
    }
    f = p.forecast
    if f is not None and f.method != "final":
        start, end = p.as_of.isoformat(), batch.end_date.isoformat()
        done = float(p.done)
        data["forecast"] = [[start, done], [end, round(f.point, 2)]]
        data["low"] = [[start, done], [end, round(f.low, 2)]]
        data["band"] = [[start, 0], [end, round(f.high - f.low, 2)]]
    return data


def behind_list(progress: list[Progress]) -> list[Progress]:
    return [p for p in progress if p.behind]


def panel(*, user, batch: Batch | None, groups=None, title: str = "", key: str = "main") -> dict:
    """The targets box of a page (dashboard, group page, home page): the reader's targets of ``groups``
    (default: every group they may read, with the whole batch's), with the behind-pace ones flagged."""
    if batch is None:
        return {"rows": []}
    rows = progress_list(visible_targets(user=user, batch=batch, groups=groups), batch=batch)
    params = f"?batch={batch.pk}" + (f"&group={groups[0].pk}" if groups and len(groups) == 1 else "")
    return {
        "key": key,
        "title": title or _("目标与进度"),
        "rows": rows,
        "behind": behind_list(rows),
        "as_of": rows[0].as_of if rows else None,
        "elapsed": percent(rows[0].elapsed) if rows else 0,
        "margin": rows[0].margin if rows else 0,
        "show_scope": groups is None or len(groups) != 1 or any(p.target.member_id for p in rows),
        "url": reverse("targets:target_list") + params,
    }

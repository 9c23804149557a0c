"""The forecast tried on the past: cut a batch's records at a day, forecast a later day (by default the
batch's end) from what was counted by the cut, and compare with what the records reached.

``techmayor targets backtest --cut 2022-01-31 [--to 2022-05-31]``; on the demo the figures are in
docs/decisions/0019-targets-and-pace.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from techmayor.roster.models import Batch
from techmayor.scorecard import rollup
from techmayor.scorecard.metrics import METRICS

from . import pace
from .models import Target
from .selectors import month_ends, past_curves

DEFAULT_METRICS = (
    "visits",
    "needs_collected",
    "matchmaking_events",
    "agreements",
    "contract_amount_wan",
    "talents_introduced",
)


@dataclass(frozen=True)
class Trial:
    metric: str
    scope: str  # 全批次 or a group's name
    done: float  # counted by the cut
    forecast: pace.Forecast
    actual: float  # counted by ``to``

    @property
    def error(self) -> float | None:
        """(forecast − actual) / actual, None when nothing was counted by ``to``."""
        return (self.forecast.point - self.actual) / self.actual if self.actual else None

    @property
    def covered(self) -> bool:
        return self.forecast.low <= self.actual <= self.forecast.high


def backtest(batch: Batch, *, cut: dt.date, to: dt.date | None = None, metrics=None) -> list[Trial]:
    """One trial per metric (default: those the batch has targets for, else the main ones) for the whole
    batch and each group."""
    to = to or batch.end_date
    if not batch.start_date <= cut < to <= batch.end_date:
        raise ValueError(f"须 {batch.start_date} ≤ 截断日 < 预测日 ≤ {batch.end_date}")
    codes = list(metrics or dict.fromkeys(Target.objects.filter(batch=batch).values_list("metric", flat=True)))
    codes = codes or list(DEFAULT_METRICS)
    unknown = [c for c in codes if c not in METRICS]
    if unknown:
        raise ValueError(f"未知的指标：{'、'.join(unknown)}")
    days = [d for d in month_ends(batch.start_date, cut) if d < cut] + [cut]
    groups = list(batch.groups.order_by("id"))
    curves = past_curves(batch, set(codes))
    trials = []
    for code in codes:
        metric = METRICS[code]
        before = rollup.cumulative(metric, batch, days)
        after = rollup.cumulative(metric, batch, [to])
        for key, name in [(None, "全批次"), *((g.pk, g.name) for g in groups)]:
            values = [float(v) for v in before.get(key, [0] * len(days))]
            f = pace.forecast(
                done=values[-1],
                start=batch.start_date,
                end=to,
                as_of=cut,
                points=list(zip(days, values, strict=True)),
                curves=curves[code],
            )
            trials.append(Trial(code, name, values[-1], f, float(after.get(key, [0])[0])))
    return trials


def summary(trials: list[Trial]) -> list[dict]:
    """Per metric: the whole batch's error, the mean absolute error over the groups, the ranges' coverage."""
    rows = []
    for code in dict.fromkeys(t.metric for t in trials):
        own = [t for t in trials if t.metric == code]
        total = next(t for t in own if t.scope == "全批次")
        errors = [abs(t.error) for t in own if t.scope != "全批次" and t.error is not None]
        rows.append(
            {
                "metric": code,
                "total_error": total.error,
                "group_mape": sum(errors) / len(errors) if errors else None,
                "covered": sum(1 for t in own if t.covered),
                "trials": len(own),
            }
        )
    return rows

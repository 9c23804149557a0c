"""Pace and forecast of a target: plain arithmetic, no Django (docs/decisions/0019-targets-and-pace.md).

- **Elapsed share** of the tenure on a day: the days from the batch's start to that day (inclusive)
  over the days of the batch's term.
- **Expected share** (the pace): the elapsed share, or, when past batches of the city have records,
  the mean of their cumulative curves (the share of their final figure reached at the same elapsed
  share of their term, interpolated between month ends).
- **Forecast** of the figure at the batch's end, with an 80 % range:
  - straight line: the average daily rate so far carried to the end; the range from how much the
    monthly rates varied (the uncertainty of the mean rate and the month-to-month noise over the months
    left);
  - with past shapes: the figure so far divided by the mean past share reached by now; the range also
    covers each past batch's own share.
  The low end is never below the figure already reached.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

MONTH_DAYS = 365.25 / 12
Z80 = 1.2816  # two-sided 80 % of a normal distribution
Curve = Sequence[tuple[float, float]]  # (elapsed share, cumulative share), from (0, 0) to (1, 1)


def elapsed_share(start: dt.date, end: dt.date, day: dt.date) -> float:
    total = (end - start).days + 1
    done = (min(max(day, start - dt.timedelta(days=1)), end) - start).days + 1
    return max(0.0, min(1.0, done / total))


def interpolate(curve: Curve, x: float) -> float:
    points = sorted(curve)
    if x <= points[0][0]:
        return points[0][1]
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        if x <= x1:
            return y0 if x1 == x0 else y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return points[-1][1]


def expected_share(e: float, curves: Sequence[Curve] = ()) -> float:
    """The share of the target expected by elapsed share ``e``: straight, or the past batches' mean shape."""
    if not curves:
        return e
    return sum(interpolate(c, e) for c in curves) / len(curves)


@dataclass(frozen=True)
class Forecast:
    point: float
    low: float
    high: float
    method: str  # "linear" | "shape" | "final"


def monthly_rates(points: Sequence[tuple[dt.date, float]], start: dt.date) -> list[float]:
    """Per-month rates (per average month) between consecutive cumulative points (month ends)."""
    rates, previous_day, previous = [], start - dt.timedelta(days=1), 0.0
    for day, value in points:
        days = (day - previous_day).days
        if days >= 20:  # a month, or nearly one; a few days' stub says little about a rate
            rates.append((value - previous) / days * MONTH_DAYS)
        previous_day, previous = day, value
    return rates


def forecast(
    *,
    done: float,
    start: dt.date,
    end: dt.date,
    as_of: dt.date,
    points: Sequence[tuple[dt.date, float]],
    curves: Sequence[Curve] = (),
) -> Forecast | None:
    """The figure expected at ``end`` given ``done`` by ``as_of`` and the cumulative ``points`` (month
    ends up to ``as_of``); None before the batch starts."""
    if as_of < start:
        return None
    if as_of >= end:
        return Forecast(done, done, done, "final")
    elapsed = (as_of - start).days + 1
    remaining = (end - as_of).days
    rate = done / elapsed
    point = done + rate * remaining
    rates = monthly_rates(points, start)
    months_left = remaining / MONTH_DAYS
    if len(rates) >= 2:
        mean = sum(rates) / len(rates)
        sd = math.sqrt(sum((r - mean) ** 2 for r in rates) / (len(rates) - 1))
        half = Z80 * math.sqrt(months_left**2 * sd**2 / len(rates) + months_left * sd**2)
    else:  # one month or less of records: the rate itself is the uncertainty
        half = Z80 * rate * MONTH_DAYS * months_left
    low, high, method = point - half, point + half, "linear"
    if curves:
        e = elapsed_share(start, end, as_of)
        reached = [interpolate(c, e) for c in curves]
        estimates = [done / r for r in reached if r > 0]
        mean_reached = sum(reached) / len(reached)
        if estimates and mean_reached > 0:
            point = done / mean_reached
            low, high, method = min(*estimates, point - half), max(*estimates, point + half), "shape"
    return Forecast(point, max(low, done), max(high, point), method)


def curve_of(points: Sequence[tuple[dt.date, float]], start: dt.date, end: dt.date) -> list[tuple[float, float]] | None:
    """A past batch's cumulative shape from its month-end points (the last at its end); None when it
    reached nothing."""
    final = points[-1][1] if points else 0
    if not final:
        return None
    return [(0.0, 0.0), *((elapsed_share(start, end, d), v / final) for d, v in points), (1.0, 1.0)]

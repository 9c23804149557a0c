"""The pace and forecast arithmetic (targets.pace): elapsed share, the past batches' shape, the forecast's
point and range; and the percentage of the reports (cut down, never overstating)."""

import datetime as dt
from decimal import Decimal

import pytest

from techmayor.scorecard.rounding import target_share
from techmayor.targets import pace
from techmayor.targets.selectors import month_ends, percent

START, END = dt.date(2021, 8, 1), dt.date(2022, 5, 31)  # 304 days


def test_elapsed_share_counts_days_of_the_term_inclusive_and_clamps():
    assert pace.elapsed_share(START, END, START) == pytest.approx(1 / 304)
    assert pace.elapsed_share(START, END, END) == 1.0
    assert pace.elapsed_share(START, END, dt.date(2021, 7, 1)) == 0.0
    assert pace.elapsed_share(START, END, dt.date(2030, 1, 1)) == 1.0
    assert pace.elapsed_share(START, END, dt.date(2022, 1, 31)) == pytest.approx(184 / 304)


def test_expected_share_is_straight_without_past_batches_and_their_mean_shape_with_them():
    assert pace.expected_share(0.4) == 0.4
    early = [(0.0, 0.0), (0.5, 0.8), (1.0, 1.0)]  # a batch that did most in its first half
    late = [(0.0, 0.0), (0.5, 0.2), (1.0, 1.0)]
    assert pace.expected_share(0.5, [early]) == pytest.approx(0.8)
    assert pace.expected_share(0.25, [early]) == pytest.approx(0.4)
    assert pace.expected_share(0.5, [early, late]) == pytest.approx(0.5)


def test_a_steady_rate_is_forecast_on_its_line_with_a_narrow_range():
    days = month_ends(START, dt.date(2022, 1, 31))
    points = [(d, float((d - START).days + 1)) for d in days]  # one a day
    f = pace.forecast(done=184, start=START, end=END, as_of=dt.date(2022, 1, 31), points=points)
    assert f.method == "linear"
    assert f.point == pytest.approx(304)
    assert f.low <= 304 <= f.high and f.high - f.low < 20  # months of 28–31 days vary a little


def test_an_uneven_rate_widens_the_range_and_the_low_end_never_falls_below_what_is_done():
    days = month_ends(START, dt.date(2021, 12, 31))
    totals = [30, 30, 90, 90, 150]
    f = pace.forecast(done=150, start=START, end=END, as_of=days[-1], points=list(zip(days, totals, strict=True)))
    assert f.high - f.low > 60
    assert f.low >= 150
    first_month = pace.forecast(done=5, start=START, end=END, as_of=dt.date(2021, 8, 10), points=[])
    assert first_month.low >= 5 and first_month.high > first_month.point


def test_with_a_past_shape_the_forecast_scales_by_the_share_past_batches_had_reached():
    curve = [(0.0, 0.0), (0.5, 0.25), (1.0, 1.0)]
    half = dt.date(2021, 12, 31) + dt.timedelta(days=21)  # about half the term
    e = pace.elapsed_share(START, END, half)
    f = pace.forecast(done=50, start=START, end=END, as_of=half, points=[], curves=[curve])
    assert f.method == "shape"
    assert f.point == pytest.approx(50 / pace.interpolate(curve, e))
    assert f.low <= f.point <= f.high


def test_at_the_end_the_forecast_is_the_figure_and_before_the_start_there_is_none():
    assert pace.forecast(done=7, start=START, end=END, as_of=END, points=[]) == pace.Forecast(7, 7, 7, "final")
    assert pace.forecast(done=0, start=START, end=END, as_of=dt.date(2021, 1, 1), points=[]) is None


def test_a_past_batch_that_counted_nothing_has_no_shape():
    assert pace.curve_of([(END, 0.0)], START, END) is None
    curve = pace.curve_of([(dt.date(2021, 12, 31), 20.0), (END, 40.0)], START, END)
    assert curve[0] == (0.0, 0.0) and curve[-1] == (1.0, 1.0) and (153 / 304, 0.5) in curve


@pytest.mark.parametrize(
    ("value", "target", "early", "text"),
    [
        (92, 100, True, "完成年度目标的92%"),
        (Decimal("99.99"), 100, True, "完成年度目标的99%"),  # never rounded up to 100%
        (1, 3, True, "完成年度目标的33%"),
        (3, 30, True, "完成年度目标的10%"),  # not 1E+1%
        (2, 3, False, "完成年度目标的66%"),
        (100, 100, True, "提前完成年度目标"),
        (120, 100, True, "提前完成年度目标"),
        (100, 100, False, "完成年度目标"),
        (0, 5, True, "完成年度目标的0%"),
    ],
)
def test_the_briefing_share_is_cut_down_and_says_early_only_when_reached_before_the_end(value, target, early, text):
    assert target_share(value, target, early=early) == text


def test_percent_is_cut_down():
    assert percent(0.996) == 99 and percent(1.0) == 100 and percent(0.335) == 33 and percent(1.5) == 150

"""The demo's targets (常州市第十四批): the story on the demo's day (2022-05-11) — targets met early, 新北团
behind pace — and the forecast tried on the demo: cut at 2022-01-31, forecast to 2022-05-31, compared with
what the demo reached, its error printed per metric by ``techmayor targets backtest``.

Run by tests/demo/test_demo.py on the demo it builds once (its fixture ``demo``).
"""

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command

from techmayor.demo.target_book import METRICS, TARGETS
from techmayor.scorecard.briefing import briefing
from techmayor.targets.backtest import backtest, summary
from techmayor.targets.models import Target
from techmayor.targets.selectors import progress_list

pytestmark = pytest.mark.django_db
__all__ = [
    "test_the_demo_briefing_says_met_early_and_the_share_of_each_target",
    "test_the_demo_targets_tell_the_story",
    "test_the_forecast_on_the_demo_cut_at_january_is_within_half_of_what_was_reached",
]
DEMO_DAY = dt.date(2022, 5, 11)
CUT, TO = dt.date(2022, 1, 31), dt.date(2022, 5, 31)


def test_the_demo_targets_tell_the_story(demo):
    targets = Target.objects.filter(batch=demo.batch)
    assert targets.count() == len(TARGETS) * len(METRICS) and all(t.is_demo for t in targets)
    progress = progress_list(targets, as_of=DEMO_DAY)
    early = {(p.target.scope_label, p.target.metric) for p in progress if p.early}
    behind = {p.target.scope_label for p in progress if p.behind}
    assert behind == {"新北团"}
    assert {("溧阳团", "visits"), ("金坛团", "needs_collected"), ("武进团", "agreements")} <= early
    assert {"溧阳团", "金坛团", "武进团"} <= {scope for scope, _ in early}


def test_the_demo_briefing_says_met_early_and_the_share_of_each_target(demo):
    text = "\n".join(s.text for s in briefing(batch=demo.batch, until=DEMO_DAY).sections)
    assert "产学研专场活动提前完成年度目标" in text  # 83 of 80
    assert "走访企业完成年度目标的96%" in text  # 962 of 1000
    assert "合作协议完成年度目标的50%" in text  # 新北团: 4 of 8


def test_the_forecast_on_the_demo_cut_at_january_is_within_half_of_what_was_reached(demo):
    trials = backtest(demo.batch, cut=CUT, to=TO)
    assert {t.metric for t in trials} == set(METRICS) and len(trials) == len(METRICS) * 5
    for row in summary(trials):
        assert abs(row["total_error"]) < 0.5, row
    out = io.StringIO()
    call_command(
        "targets",
        "backtest",
        "--cut",
        "2022-01-31",
        "--to",
        "2022-05-31",
        "--batch",
        "14",
        "--city",
        "常州市",
        stdout=out,
    )
    lines = out.getvalue().splitlines()
    errors = [line for line in lines if re.match(r"^\S+（\S+）\t[+-]\d+\.\d%\t\d+\.\d%\t\d/5$", line)]
    assert len(errors) == len(METRICS), out.getvalue()

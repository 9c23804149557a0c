"""Progress, pace and forecast of targets: the scorecard's own figure (drillable), the straight pace or the
past batches' shape, the behind-pace flag with the city's margin, met early, a member's own figure."""

import datetime as dt
from urllib.parse import parse_qs, urlparse

import pytest

from techmayor.ledger import services as ledger
from techmayor.scorecard.metrics import Scope, value
from techmayor.targets.selectors import LIKELY, MET, progress_list, visible_targets
from techmayor.targets.services import target_margin_set, target_set
from tests.factories import BatchFactory, EnterpriseFactory, GroupFactory, city, member_in

pytestmark = pytest.mark.django_db
ELAPSED = 184 / 304  # 2021-08-01 … 2022-01-31 of 2021-08-01 … 2022-05-31


def by_key(targets, progress):
    found = {p.target.pk: p for p in progress}
    return {key: found[t.pk] for key, t in targets.items()}


def test_done_is_the_scorecards_figure_and_links_to_its_records(world, targets):
    p = by_key(targets, progress_list(targets.values()))
    assert p["ly_visits"].done == value("visits", Scope(batch=world.batch, group=world.liyang)) == 19
    assert p["jt_visits"].done == 3 and p["batch_visits"].done == 22
    assert p["ly_a_visits"].done == value("visits", Scope(batch=world.batch, member=world.ly_a)) == 19
    query = parse_qs(urlparse(p["ly_visits"].url).query)
    assert urlparse(p["ly_visits"].url).path == "/scorecard/drill/visits/"
    assert query["group"] == [str(world.liyang.pk)] and query["end"] == ["2022-01-31"]


def test_pace_is_the_elapsed_share_and_the_flag_marks_what_is_behind_by_more_than_the_margin(world, targets):
    p = by_key(targets, progress_list(targets.values()))
    for item in p.values():
        assert item.as_of == dt.date(2022, 1, 31)
        assert item.expected == pytest.approx(ELAPSED) and item.shape == "linear"
    assert p["jt_visits"].behind and p["jt_visits"].status_label == "进度滞后"  # 10% against 60%
    assert not p["ly_visits"].behind and p["ly_visits"].percent == 95  # 19 of 20
    assert not p["batch_visits"].behind  # 55% against 60%: within 10 points
    target_margin_set(city=world.batch.city, margin=5, by=world.users.admin)
    p = by_key(targets, progress_list(targets.values()))
    assert p["batch_visits"].behind


def test_a_target_reached_before_the_end_is_met_early(world, targets):
    p = by_key(targets, progress_list(targets.values()))["ly_a_visits"]
    assert p.met and p.early and p.outlook == MET and p.outlook_label == "提前完成" and not p.behind
    final = progress_list([targets["ly_a_visits"]], as_of=world.batch.end_date)[0]
    assert final.met and not final.early and final.outlook_label == "已完成"


def test_the_forecast_carries_the_rate_to_the_end_with_a_range(world, targets):
    p = by_key(targets, progress_list(targets.values()))["ly_visits"]
    f = p.forecast
    assert f.method == "linear"
    assert f.point == pytest.approx(19 / 184 * 304)  # 31.4 by 2022-05-31
    assert 19 <= f.low < f.point < f.high
    assert p.outlook == LIKELY and p.outlook_label == "预计可完成"
    chart = p.chart
    assert chart["target"] == 20 and chart["actual"][-1] == ["2022-01-31", 19.0]
    assert chart["pace"][0] == ["2021-08-01", pytest.approx(20 / 304, abs=0.01)]
    assert chart["pace"][-1] == ["2022-05-31", 20.0]
    assert chart["forecast"][-1][0] == "2022-05-31" and chart["band"][-1][1] == pytest.approx(f.high - f.low, abs=0.01)


def test_past_batches_of_the_city_give_the_pace_their_month_by_month_shape(world, targets):
    old = BatchFactory(
        city=city(), number=13, start_date=dt.date(2020, 8, 1), end_date=dt.date(2021, 5, 31), is_active=False
    )
    group = GroupFactory(batch=old, name="溧阳团", district=world.liyang.district)
    member = member_in(group, start_date=dt.date(2020, 8, 1))
    enterprise = EnterpriseFactory(region=world.town_ly)
    # The 13th batch did 30 visits in its first two months, 10 afterwards: three quarters in the first fifth.
    days = [dt.date(2020, 8, 3) + dt.timedelta(days=2 * k) for k in range(30)]
    days += [dt.date(2021, 1, 4) + dt.timedelta(days=7 * k) for k in range(10)]
    for day in days:
        ledger.visit_log(batch=old, group=group, enterprise=enterprise, date=day, members=[member])
    p = by_key(targets, progress_list(targets.values()))["ly_visits"]
    assert p.shape == "past" and p.expected > 0.8 > ELAPSED
    assert p.forecast.method == "shape" and p.forecast.point == pytest.approx(19 / p.expected)
    assert progress_list(targets.values())[0].chart["pace"][1][1] > 20 * 0.1  # steeper than a straight line


def test_readers_see_the_targets_of_their_groups_and_the_batchs_only_when_they_read_every_group(world, targets):
    def seen(user):
        return {t.pk for t in visible_targets(user=user, batch=world.batch)}

    every = {t.pk for t in targets.values()}
    liyang = {targets["ly_visits"].pk, targets["ly_a_visits"].pk}
    assert seen(world.users.admin) == seen(world.users.leader) == every
    assert seen(world.users.gl_ly) == seen(world.users.m_ly) == liyang
    assert seen(world.users.ds_jt) == seen(world.users.m_jt) == {targets["jt_visits"].pk}
    assert seen(world.users.nobody) == set()


def test_a_later_target_set_on_the_same_scope_revises_it(world, targets):
    again = target_set(
        batch=world.batch, metric="visits", value=21, group=world.liyang, reason="追加", by=world.users.admin
    )
    assert again.pk == targets["ly_visits"].pk

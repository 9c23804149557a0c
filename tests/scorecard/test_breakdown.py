"""``metrics.breakdown``: a figure per group (and month) in one query, equal to ``metrics.value`` on that scope."""

import datetime as dt

import pytest

from techmayor.cooperation.services import agreement_sign
from techmayor.ledger.services import visit_log
from techmayor.roster.services import group_create
from techmayor.scorecard.metrics import Scope, breakdown, live_value
from tests.factories import EnterpriseFactory, GroupFactory, UniversityFactory, district, member_in

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def world():
    liyang = GroupFactory()
    jintan = group_create(batch=liyang.batch, name="金坛团", district=district("金坛区"))
    a, b, c = member_in(liyang), member_in(liyang), member_in(jintan)
    one, two = EnterpriseFactory(), EnterpriseFactory()
    visit_log(batch=liyang.batch, group=liyang, enterprise=one, date=D(2021, 9, 1), members=[a, b])  # shared
    visit_log(batch=liyang.batch, group=liyang, enterprise=one, date=D(2021, 9, 20), members=[a])
    visit_log(batch=liyang.batch, group=liyang, enterprise=two, date=D(2021, 10, 2), members=[b])
    visit_log(batch=liyang.batch, group=jintan, enterprise=one, date=D(2021, 10, 3), members=[c])
    university = UniversityFactory()
    for day, amount, group, member in ((D(2021, 9, 5), "100.5", liyang, a), (D(2021, 9, 6), "20", liyang, a),
                                       (D(2021, 11, 1), "7", jintan, c)):  # fmt: skip
        agreement_sign(batch=liyang.batch, group=group, title=f"协议{amount}", enterprise=one, university=university,
                       contract_amount_wan=amount, date=day, members=[member])  # fmt: skip
    return liyang, jintan


@pytest.mark.parametrize("code", ["visits", "enterprises_visited", "agreements", "contract_amount_wan"])
def test_each_cell_equals_the_figure_of_its_group_and_month(world, code, django_assert_num_queries):
    liyang, jintan = world
    batch = liyang.batch
    breakdown(code, Scope(batch=batch))  # the batch's cells are built on first use
    with django_assert_num_queries(2):  # are the cells built, and the cells
        monthly = breakdown(code, Scope(batch=batch), monthly=True)
    with django_assert_num_queries(2):
        per_group = breakdown(code, Scope(batch=batch))
    for group in (liyang, jintan):
        assert per_group.get((group.pk,), 0) == live_value(code, Scope(batch=batch, group=group))
        for month in (D(2021, 9, 1), D(2021, 10, 1), D(2021, 11, 1)):
            end = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
            expected = live_value(code, Scope(batch=batch, group=group, start=month, end=end))
            assert monthly.get((group.pk, month), 0) == expected, (group.name, month)


def test_a_shared_visit_counts_once_and_money_stays_exact(world):
    liyang, jintan = world
    monthly = breakdown("visits", Scope(batch=liyang.batch), monthly=True)
    assert monthly == {(liyang.pk, D(2021, 9, 1)): 2, (liyang.pk, D(2021, 10, 1)): 1, (jintan.pk, D(2021, 10, 1)): 1}
    money = breakdown("contract_amount_wan", Scope(batch=liyang.batch))
    assert str(money[(liyang.pk,)]) == "120.5000" and str(money[(jintan.pk,)]) == "7.0000"


def test_a_figure_made_of_several_kinds_of_record_is_broken_down_too(world):
    liyang, jintan = world
    per_group = breakdown("universities_engaged", Scope(batch=liyang.batch))
    for group in (liyang, jintan):
        assert per_group[(group.pk,)] == live_value("universities_engaged", Scope(batch=liyang.batch, group=group)) == 1

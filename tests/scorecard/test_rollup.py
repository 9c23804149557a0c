"""The scorecard's cells (``scorecard.rollup``) stay equal to what the records count after every kind of write.

Each step changes something a figure depends on — a record, the credited record behind it, an
enterprise's identity or tags, a many-to-many, a deletion — and then every figure of the batch and its
groups read from the cells must equal the same figure counted from the records.
"""

import datetime as dt
from decimal import Decimal

import pytest

from techmayor.cooperation.services import agreement_receipt_add, agreement_sign
from techmayor.enterprises.choices import EnterpriseTagKind
from techmayor.enterprises.models import EnterpriseTag
from techmayor.enterprises.services import enterprise_link, enterprise_tag_set, enterprise_update
from techmayor.ledger.choices import EventKind
from techmayor.ledger.models import Event, Visit
from techmayor.ledger.services import event_create, visit_log
from techmayor.roster.services import group_create
from techmayor.scorecard import rollup
from techmayor.scorecard.metrics import SCORECARD_METRICS, Scope, live_value, table, value
from techmayor.scorecard.models import FigureCell, RollupState
from techmayor.scorecard.services import scorecard
from tests.factories import EnterpriseFactory, GroupFactory, UniversityFactory, district, member_in

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def world():
    liyang = GroupFactory()
    jintan = group_create(batch=liyang.batch, name="金坛团", district=district("金坛区"))
    return liyang, jintan, member_in(liyang), member_in(jintan)


def assert_exact(batch, *groups):
    """Every figure from the cells equals the records' count, for the batch and each group, over the
    whole batch and over a part of it."""
    assert rollup.verify() == []
    for start, end in ((None, None), (D(2021, 9, 1), D(2021, 10, 31))):
        whole = table(Scope(batch=batch, start=start, end=end))  # every figure and group at once
        for group in (None, *groups):
            scope = Scope(batch=batch, group=group, start=start, end=end)
            cells = {m.code: value(m, scope) for m in SCORECARD_METRICS}
            records = {m.code: live_value(m, scope) for m in SCORECARD_METRICS}
            assert cells == records, (group, start, end)
            key = group.pk if group is not None else None
            assert {code: figures.get(key, 0) for code, figures in whole.items()} == records, (group, start, end)


def test_cells_are_built_on_first_read_and_follow_every_write(world):
    liyang, jintan, a, c = world
    batch = liyang.batch
    one, two = EnterpriseFactory(), EnterpriseFactory(credit_code=None)
    visit_log(batch=batch, group=liyang, enterprise=one, date=D(2021, 9, 1), members=[a])
    assert not RollupState.objects.exists()
    assert value("visits", Scope(batch=batch)) == 1  # builds the batch's cells
    assert RollupState.objects.filter(batch=batch).exists()

    second = visit_log(batch=batch, group=liyang, enterprise=two, date=D(2021, 9, 1), members=[a])
    visit_log(batch=batch, group=jintan, enterprise=one, date=D(2021, 10, 3), members=[c])
    assert value("visits", Scope(batch=batch)) == 3
    assert value("enterprises_visited", Scope(batch=batch)) == 2  # 家: the same enterprise in two groups
    assert_exact(batch, liyang, jintan)

    second.date = D(2021, 11, 20)  # a record moved to another day (and out of the shorter period)
    second.save()
    assert_exact(batch, liyang, jintan)
    Visit.objects.get(pk=second.pk).delete()
    assert value("visits", Scope(batch=batch, group=liyang)) == 1
    assert_exact(batch, liyang, jintan)


def test_an_enterprise_s_identity_and_tags_reach_the_distinct_figures(world):
    liyang, _jintan, a, _c = world
    batch = liyang.batch
    one, two = EnterpriseFactory(credit_code=None), EnterpriseFactory(credit_code=None)
    for enterprise in (one, two):
        enterprise_link(batch=batch, group=liyang, enterprise=enterprise, date=D(2021, 9, 2), members=[a])
        visit_log(batch=batch, group=liyang, enterprise=enterprise, date=D(2021, 9, 3), members=[a])
    assert value("enterprises_visited", Scope(batch=batch)) == 2

    enterprise_update(enterprise=two, name=one.name)  # now the same company by its normalised name
    assert value("enterprises_visited", Scope(batch=batch)) == 1
    assert value("linked_enterprises", Scope(batch=batch)) == 1
    assert_exact(batch, liyang)

    enterprise_tag_set(enterprise=one, kind=EnterpriseTagKind.HIGH_TECH)
    assert value("linked_hightech_enterprises", Scope(batch=batch)) == 1
    EnterpriseTag.objects.filter(enterprise=one).get().delete()
    assert value("linked_hightech_enterprises", Scope(batch=batch)) == 0
    assert_exact(batch, liyang)


def test_universities_of_an_event_count_through_their_many_to_many_both_ways(world):
    liyang, _jintan, a, _c = world
    batch = liyang.batch
    u1, u2 = UniversityFactory(), UniversityFactory()
    event = event_create(batch=batch, group=liyang, kind=EventKind.MATCHMAKING, title="对接会", date=D(2021, 9, 5),
                         members=[a], universities=[u1])  # fmt: skip
    assert value("universities_engaged", Scope(batch=batch)) == 1
    event.universities.add(u2)
    assert value("universities_engaged", Scope(batch=batch)) == 2
    u2.events.remove(event)  # from the other side of the many-to-many
    assert value("universities_engaged", Scope(batch=batch)) == 1
    event.universities.add(u2)
    u2.events.clear()  # cleared from the other side
    assert value("universities_engaged", Scope(batch=batch)) == 1
    event.universities.clear()
    assert value("universities_engaged", Scope(batch=batch)) == 0
    assert_exact(batch, liyang)
    Event.objects.filter(pk=event.pk).get().delete()
    assert_exact(batch, liyang)


def test_receipts_follow_their_agreement_and_money_stays_exact(world):
    liyang, jintan, a, _c = world
    batch = liyang.batch
    agreement = agreement_sign(batch=batch, group=liyang, title="协议", enterprise=EnterpriseFactory(),
                               university=UniversityFactory(), contract_amount_wan="100.5", date=D(2021, 9, 5),
                               members=[a])  # fmt: skip
    agreement_receipt_add(agreement=agreement, date=D(2021, 10, 1), amount_wan="40.25")
    agreement_receipt_add(agreement=agreement, date=D(2021, 12, 1), amount_wan="0.0001")
    assert value("received_amount_wan", Scope(batch=batch)) == Decimal("40.2501")
    assert value("contract_amount_wan", Scope(batch=batch, group=liyang)) == Decimal("100.5")
    card = scorecard(batch=batch)
    assert card["groups"]["溧阳团"]["received_amount_wan"] == Decimal("40.2501")
    assert card["groups"]["金坛团"]["received_amount_wan"] == Decimal(0)
    agreement.group = jintan  # a correction of the credited group moves its receipts' cells too
    agreement.save()
    assert value("received_amount_wan", Scope(batch=batch, group=jintan)) == Decimal("40.2501")
    assert_exact(batch, liyang, jintan)


def test_invalidated_cells_are_rebuilt_and_verify_reports_drift(world):
    liyang, _jintan, a, _c = world
    batch = liyang.batch
    visit_log(batch=batch, group=liyang, enterprise=EnterpriseFactory(), date=D(2021, 9, 1), members=[a])
    assert value("visits", Scope(batch=batch)) == 1
    Visit.objects.filter(batch=batch).update(date=D(2021, 9, 2))  # bypasses model signals
    assert any("visits" in p for p in rollup.verify())  # the check sees the drift …
    rollup.invalidate([batch.pk])  # … which a bulk writer prevents by invalidating
    assert not FigureCell.objects.filter(batch=batch).exists()
    assert value("visits", Scope(batch=batch, start=D(2021, 9, 2), end=D(2021, 9, 2))) == 1
    assert_exact(batch, liyang)


def test_a_member_s_figures_are_counted_from_the_records(world):
    liyang, _jintan, a, _c = world
    visit_log(batch=liyang.batch, group=liyang, enterprise=EnterpriseFactory(), date=D(2021, 9, 1), members=[a])
    assert value("visits", Scope(batch=liyang.batch, member=a)) == 1
    assert not RollupState.objects.exists()  # no cells were needed

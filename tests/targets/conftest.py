"""The targets tests' world: the web tests' world (溧阳团 and 金坛团, a user for every role), the business
day pinned to 2022-01-31 (184 of the batch's 304 days), and visits spread over the months so far."""

from __future__ import annotations

import datetime as dt

import pytest

from techmayor.ledger import services as ledger
from techmayor.targets.services import target_set
from tests.factories import EnterpriseFactory
from tests.web.conftest import build_world

TODAY = dt.date(2022, 1, 31)


def add_visits(world, group, member, days):
    enterprise = EnterpriseFactory(region=world.town_ly if group == world.liyang else world.town_jt)
    for day in days:
        ledger.visit_log(batch=world.batch, group=group, enterprise=enterprise, date=day, members=[member])


@pytest.fixture
def world(db, settings):
    settings.TECHMAYOR_TODAY = TODAY
    w = build_world()
    # 溧阳团: 1 visit (the world's) + 3 a month from August to January = 19 visits by 2022-01-31.
    months = [dt.date(2021, m, 10) for m in range(8, 13)] + [dt.date(2022, 1, 10)]
    add_visits(w, w.liyang, w.ly_a, [d + dt.timedelta(days=k) for d in months for k in range(3)])
    # 金坛团: 1 visit + 2 = 3 visits.
    add_visits(w, w.jintan, w.jt_a, [dt.date(2021, 10, 5), dt.date(2021, 11, 5)])
    return w


@pytest.fixture
def targets(world):
    admin = world.users.admin
    return {
        "batch_visits": target_set(batch=world.batch, metric="visits", value=40, by=admin),
        "ly_visits": target_set(batch=world.batch, metric="visits", value=20, group=world.liyang, by=admin),
        "jt_visits": target_set(batch=world.batch, metric="visits", value=30, group=world.jintan, by=admin),
        "ly_a_visits": target_set(batch=world.batch, metric="visits", value=10, member=world.ly_a, by=admin),
    }

"""The visit list's 发现需求 column: the live leads of each visit, read per row shown (no grouping of every
visible visit, which made a province's visit list read millions of rows for a page of 20)."""

import pytest

from techmayor.core.services import withdraw_record
from techmayor.ledger.selectors import visit_list
from techmayor.needs.choices import LeadSource
from techmayor.needs.services import lead_create
from tests.web.conftest import build_world

pytestmark = pytest.mark.django_db


def test_each_visit_counts_its_live_leads_without_grouping_the_list():
    world = build_world()
    visit, other = world.ly["visit"], world.jt["visit"]
    lead_create(source=LeadSource.VISIT, raw_text="刀具磨损", visit=visit)
    lead_create(source=LeadSource.VISIT, raw_text="涂层工艺", visit=visit)
    gone = lead_create(source=LeadSource.VISIT, raw_text="重复", visit=visit)
    withdraw_record(gone, reason="重复录入", by=world.users.admin)

    counts = dict(visit_list(user=world.users.admin).values_list("pk", "lead_count"))
    assert counts == {visit.pk: 2, other.pk: 0}
    assert 'GROUP BY "ledger_visit"."id"' not in str(visit_list(user=world.users.admin).query)

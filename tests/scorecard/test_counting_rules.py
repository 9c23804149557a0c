"""The counting rules users argue about, each pinned by a small world built in the test."""

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from techmayor.cooperation.services import agreement_receipt_add, agreement_sign
from techmayor.enterprises.choices import EnterpriseTagKind
from techmayor.enterprises.services import enterprise_create, enterprise_link, enterprise_tag_set
from techmayor.ledger.choices import CultivationKind, EventKind, VisitorKind
from techmayor.ledger.services import (
    cultivation_create,
    event_create,
    university_pairing_create,
    visit_log,
    visitor_record_create,
)
from techmayor.needs.choices import NeedAction, NeedState
from techmayor.needs.services import (
    need_approve_completion,
    need_claim,
    need_create,
    need_merge,
    need_submit_completion,
    need_transition,
    outcome_round_add,
    outcome_round_approve,
)
from techmayor.roster.services import group_create
from techmayor.scorecard.metrics import METRICS, SCORECARD_METRICS, Scope, records, value
from techmayor.scorecard.services import scorecard
from tests.factories import EnterpriseFactory, GroupFactory, UniversityFactory, district, member_in

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def world():
    liyang = GroupFactory()
    jintan = group_create(batch=liyang.batch, name="金坛团", district=district("金坛区"))
    return liyang, jintan, member_in(liyang), member_in(liyang), member_in(jintan)


def figure(code, batch, **kw):
    return value(code, Scope(batch=batch, **kw))


def test_jia_versus_jiaci_with_shared_visits(world):
    liyang, jintan, a, b, c = world
    batch = liyang.batch
    one, two = EnterpriseFactory(), EnterpriseFactory()
    visit_log(batch=batch, group=liyang, enterprise=one, date=D(2021, 9, 1), members=[a, b])  # a shared visit
    visit_log(batch=batch, group=liyang, enterprise=one, date=D(2021, 10, 1), members=[a])
    visit_log(batch=batch, group=liyang, enterprise=two, date=D(2021, 10, 2), members=[b])
    visit_log(batch=batch, group=jintan, enterprise=one, date=D(2021, 10, 3), members=[c])
    assert figure("visits", batch, group=liyang) == 3  # 家次
    assert figure("enterprises_visited", batch, group=liyang) == 2  # 家
    assert figure("visits", batch, member=a) == 2
    assert figure("visits", batch, member=b) == 2
    assert figure("visits", batch) == 4
    assert figure("enterprises_visited", batch) == 2  # the same enterprise visited by two groups is one 家
    assert records("visits", Scope(batch=batch, group=liyang)).count() == 3


def test_distinct_enterprises_fall_back_to_the_normalised_name(world):
    liyang, _, a, _, _ = world
    first = enterprise_create(name="常州 恒远 新材料有限公司")
    second = enterprise_create(name="常州恒远新材料股份有限公司", allow_similar_name=True)
    for day, enterprise in ((1, first), (2, second)):
        visit_log(batch=liyang.batch, group=liyang, enterprise=enterprise, date=D(2021, 9, day), members=[a])
    assert figure("visits", liyang.batch) == 2
    assert figure("enterprises_visited", liyang.batch) == 1


def test_a_record_credited_to_two_members_counts_once_for_the_group(world):
    liyang, _, a, b, _ = world
    university = UniversityFactory()
    event_create(
        batch=liyang.batch,
        group=liyang,
        kind=EventKind.MATCHMAKING,
        title="新材料产学研专场",
        date=D(2021, 11, 5),
        members=[a, b],
        universities=[university],
    )
    assert figure("matchmaking_events", liyang.batch, group=liyang) == 1
    assert figure("matchmaking_events", liyang.batch, member=a) == 1
    assert figure("matchmaking_events", liyang.batch, member=b) == 1
    assert figure("matchmaking_events", liyang.batch) == 1
    assert figure("universities_engaged", liyang.batch, group=liyang) == 1


def test_person_times_sum_head_counts(world):
    liyang, _, a, b, _ = world
    for count in (1, 1, 3):
        visitor_record_create(
            batch=liyang.batch,
            group=liyang,
            kind=VisitorKind.EXPERT,
            visitor_name="张教授",
            date=D(2021, 12, 1),
            members=[a, b],
            person_count=count,
        )
    assert figure("expert_visits", liyang.batch, group=liyang) == 5
    assert figure("expert_visits", liyang.batch, member=a) == 5
    assert figure("entrepreneur_visits", liyang.batch) == 0


def test_money_is_exact_and_receipts_are_increments(world):
    liyang, jintan, a, _, c = world
    university = UniversityFactory()
    amounts = ["1000.1", "1211.9"]
    agreements = [
        agreement_sign(
            batch=liyang.batch,
            group=liyang,
            title=f"协议{i}",
            university=university,
            enterprise=EnterpriseFactory(),
            contract_amount_wan=amount,
            date=D(2022, 1, 1 + i),
            members=[a],
        )
        for i, amount in enumerate(amounts)
    ]
    agreement_sign(
        batch=liyang.batch,
        group=jintan,
        title="金坛协议",
        university=university,
        enterprise=EnterpriseFactory(),
        contract_amount_wan="0.3",
        date=D(2022, 1, 1),
        members=[c],
    )
    agreement_receipt_add(agreement=agreements[0], date=D(2022, 2, 1), amount_wan="0.1")
    agreement_receipt_add(agreement=agreements[0], date=D(2022, 3, 1), amount_wan="0.2")
    assert figure("agreements", liyang.batch, group=liyang) == 2
    assert figure("contract_amount_wan", liyang.batch, group=liyang) == Decimal("2212")
    assert figure("contract_amount_wan", liyang.batch) == Decimal("2212.3")
    assert figure("received_amount_wan", liyang.batch, group=liyang) == Decimal("0.3")
    assert figure("received_amount_wan", liyang.batch, end=D(2022, 2, 15)) == Decimal("0.1")


def test_outcome_rounds_sum_once_when_approved(world):
    liyang, _, a, b, _ = world
    need = need_create(
        batch=liyang.batch,
        group=liyang,
        enterprise=EnterpriseFactory(),
        title="需求",
        description="描述",
        date=D(2021, 9, 1),
        members=[a, b],
        state=NeedState.PUBLISHED,
    )
    need = need_claim(need=need, member=a)
    need = need_submit_completion(need=need, solution="方案")
    need = need_approve_completion(need=need)
    rounds = [
        outcome_round_add(need=need, date=D(2022, 1, 1), signed_amount_wan="100", received_amount_wan="20"),
        outcome_round_add(need=need, date=D(2022, 2, 1), signed_amount_wan="50", received_amount_wan="30"),
        outcome_round_add(need=need, date=D(2022, 3, 1), signed_amount_wan="7"),
    ]
    for r in rounds[:2]:
        outcome_round_approve(outcome=r)
    # Two members are credited with the need; the group still counts each approved round once.
    assert figure("outcome_signed_wan", liyang.batch, group=liyang) == Decimal("150")
    assert figure("outcome_received_wan", liyang.batch, group=liyang) == Decimal("50")
    assert figure("outcome_signed_wan", liyang.batch, member=b) == Decimal("150")
    assert figure("needs_completed", liyang.batch) == 1


def test_merged_duplicates_are_not_counted_as_needs(world):
    liyang, _, a, _, _ = world
    enterprise = EnterpriseFactory()
    needs = [
        need_create(
            batch=liyang.batch,
            group=liyang,
            enterprise=enterprise,
            title=f"需求{i}",
            description="描述",
            date=D(2021, 9, 1),
            members=[a],
        )
        for i in range(3)
    ]
    need_merge(need=needs[2], into=needs[0])
    need_transition(need=needs[1], action=NeedAction.CANCEL, reason="企业已自行解决")
    assert figure("needs_collected", liyang.batch) == 2  # cancelled still counts as collected; merged does not


def test_linked_high_tech_and_cultivation_are_distinct_enterprises(world):
    liyang, jintan, a, _, c = world
    hightech = EnterpriseFactory()
    enterprise_tag_set(enterprise=hightech, kind=EnterpriseTagKind.HIGH_TECH, year=2020)
    plain = EnterpriseFactory()
    for enterprise in (hightech, plain):
        enterprise_link(batch=liyang.batch, group=liyang, enterprise=enterprise, date=D(2021, 8, 20), members=[a])
    enterprise_link(batch=liyang.batch, group=jintan, enterprise=hightech, date=D(2021, 8, 20), members=[c])
    assert figure("linked_enterprises", liyang.batch, group=liyang) == 2
    assert figure("linked_hightech_enterprises", liyang.batch, group=liyang) == 1
    assert figure("linked_enterprises", liyang.batch) == 2
    for day in (1, 2):
        cultivation_create(
            batch=liyang.batch,
            group=liyang,
            enterprise=plain,
            kind=CultivationKind.HIGH_TECH,
            date=D(2021, 9, day),
            members=[a],
        )
    assert figure("hightech_cultivated", liyang.batch) == 1


def test_universities_engaged_unions_every_kind_of_contact(world):
    liyang, jintan, a, _, c = world
    u1, u2, u3 = UniversityFactory(), UniversityFactory(), UniversityFactory()
    university_pairing_create(batch=liyang.batch, group=liyang, university=u1, date=D(2021, 9, 1), members=[a])
    event_create(
        batch=liyang.batch,
        group=liyang,
        kind=EventKind.DOCKING,
        title="对接",
        date=D(2021, 9, 2),
        members=[a],
        universities=[u1, u2],
    )
    event_create(
        batch=liyang.batch,
        group=jintan,
        kind=EventKind.DOCKING,
        title="对接",
        date=D(2021, 9, 2),
        members=[c],
        universities=[u3],
    )
    assert figure("universities_engaged", liyang.batch, group=liyang) == 2
    assert figure("universities_engaged", liyang.batch) == 3
    assert set(records("universities_engaged", Scope(batch=liyang.batch, group=liyang))) == {u1, u2}


def test_period_limits_what_is_counted(world):
    liyang, _, a, _, _ = world
    enterprise = EnterpriseFactory()
    for month in (9, 11, 12):
        visit_log(batch=liyang.batch, group=liyang, enterprise=enterprise, date=D(2021, month, 1), members=[a])
    assert figure("visits", liyang.batch, start=D(2021, 10, 1), end=D(2021, 11, 30)) == 1


def test_scorecard_has_every_metric_for_totals_and_groups(world):
    liyang, _jintan, *_ = world
    card = scorecard(batch=liyang.batch)
    codes = {m.code for m in SCORECARD_METRICS}
    assert set(card["totals"]) == codes
    assert set(card["groups"]) == {"溧阳团", "金坛团"}
    assert all(set(figs) == codes for figs in card["groups"].values())
    assert card["members"] == 3 and card["dispatch_units"] == 3
    assert not any(code.startswith("_") for code in codes)
    required = {
        "matchmaking_events",
        "docking_events",
        "other_events",
        "recruitment_events",
        "linked_enterprises",
        "linked_hightech_enterprises",
        "visits",
        "enterprises_visited",
        "needs_collected",
        "expert_visits",
        "entrepreneur_visits",
        "research_reports",
        "cooperation_intents",
        "agreements",
        "contract_amount_wan",
        "received_amount_wan",
        "platforms_introduced",
        "projects_brokered",
        "major_projects",
        "talents_introduced",
        "universities_engaged",
        "hightech_cultivated",
        "bse_potential",
        "enterprises_landed",
        "employment_bases",
        "applications_supported",
        "funds_landed_wan",
    }
    assert required <= codes
    assert all(METRICS[c].unit and METRICS[c].rule for c in codes)


def test_scorecard_command_json_and_table(world):
    liyang, _, a, _, _ = world
    agreement_sign(
        batch=liyang.batch,
        group=liyang,
        title="协议",
        university=UniversityFactory(),
        enterprise=EnterpriseFactory(),
        contract_amount_wan="2212",
        date=D(2022, 1, 1),
        members=[a],
    )
    out = StringIO()
    call_command("scorecard", "--batch", "14", "--city", "常州市", "--format", "json", stdout=out)
    card = json.loads(out.getvalue())
    assert {"batch", "city", "period", "totals", "groups", "members", "dispatch_units"} <= set(card)
    assert card["batch"] == 14 and card["city"] == "常州市"
    assert card["groups"]["溧阳团"]["contract_amount_wan"] == 2212
    assert card["period"] == {"start": "2021-08-01", "end": "2022-05-31"}
    table = StringIO()
    call_command("scorecard", "--batch", "14", "--format", "table", stdout=table)
    assert "合同金额" in table.getvalue() and "2212" in table.getvalue()


def test_scorecard_command_unknown_batch_is_a_clear_error(world):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="找不到常州市第99批"):
        call_command("scorecard", "--batch", "99", stdout=StringIO())

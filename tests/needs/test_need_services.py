import datetime as dt
from decimal import Decimal

import pytest

from techmayor.core.errors import ApplicationError
from techmayor.core.models import AuditLog
from techmayor.ledger.services import visit_log
from techmayor.needs.choices import CollaboratorStatus, LeadSource, LeadStatus, NeedAction, NeedState
from techmayor.needs.models import Lead, OutcomeRound
from techmayor.needs.services import (
    lead_create,
    need_approve_completion,
    need_claim,
    need_collaborator_set,
    need_create,
    need_merge,
    need_progress_add,
    need_submit_completion,
    need_transition,
    outcome_round_add,
    outcome_round_approve,
)
from tests.factories import EnterpriseFactory, GroupFactory, MemberFactory, member_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    group = GroupFactory()
    return group, member_in(group), EnterpriseFactory()


def a_need(world, **kw):
    group, member, enterprise = world
    return need_create(
        batch=group.batch,
        group=group,
        enterprise=enterprise,
        title="涂层耐磨性不足",
        description="刀具涂层寿命短",
        date=dt.date(2022, 1, 10),
        members=[member],
        **kw,
    )


def walk_to_completed(need, member):
    need = need_transition(need=need, action=NeedAction.VERIFY)
    need = need_transition(need=need, action=NeedAction.PUBLISH)
    need = need_claim(need=need, member=member)
    need_progress_add(need=need, member=member, date=dt.date(2022, 2, 1), current_status="已联系东南大学专家")
    need = need_submit_completion(need=need, solution="与东南大学材料学院合作开发新涂层")
    return need_approve_completion(need=need)


def test_lead_from_a_visit_keeps_its_text_and_becomes_a_need(world):
    group, member, enterprise = world
    visit = visit_log(batch=group.batch, group=group, enterprise=enterprise, date=dt.date(2022, 1, 9), members=[member])
    lead = lead_create(source=LeadSource.VISIT, raw_text="  原话：刀具用不久就磨损  ", visit=visit)
    assert lead.enterprise == enterprise
    assert lead.reference.startswith("XQ") and len(lead.reference) == 14
    need = a_need(world, lead=lead)
    lead.refresh_from_db()
    assert lead.status == LeadStatus.CONVERTED
    assert lead.raw_text == "  原话：刀具用不久就磨损  "
    assert need.lead == lead and need.state == NeedState.PENDING
    second = lead_create(source=LeadSource.PUBLIC, raw_text="另一条")
    assert second.reference != lead.reference
    late = lead_create(source=LeadSource.TOWN, raw_text="补录", received_on=dt.date(2021, 9, 3))
    assert late.reference == "XQ202109030001"


def test_lead_needs_text_and_a_visit_when_from_a_visit():
    with pytest.raises(ApplicationError, match="需求内容不能为空"):
        lead_create(source=LeadSource.TOWN, raw_text=" ")
    with pytest.raises(ApplicationError, match="须关联走访记录"):
        lead_create(source=LeadSource.VISIT, raw_text="内容")
    assert not Lead.objects.exists()


def test_the_whole_loop_with_owner_collaborator_progress_and_outcomes(world):
    _group, member, _ = world
    need = walk_to_completed(a_need(world), member)
    assert need.state == NeedState.COMPLETED and need.owner == member and need.completed_at
    assert [t.to_state for t in need.transitions.all()] == [
        "verified",
        "published",
        "claimed",
        "completion_submitted",
        "completed",
    ]
    assert AuditLog.objects.filter(model="needs.need", object_id=str(need.pk), action="transition").count() == 5


def test_only_owner_or_active_collaborators_report_progress(world):
    group, member, _ = world
    need = a_need(world, state=NeedState.PUBLISHED)
    need = need_claim(need=need, member=member)
    helper = member_in(group)
    with pytest.raises(ApplicationError, match="不是该需求的负责人或协同人"):
        need_progress_add(need=need, member=helper, date=dt.date(2022, 2, 1), current_status="进展")
    need_collaborator_set(need=need, member=helper, status=CollaboratorStatus.INVITED)
    with pytest.raises(ApplicationError, match="不是该需求的负责人或协同人"):
        need_progress_add(need=need, member=helper, date=dt.date(2022, 2, 1), current_status="进展")
    need_collaborator_set(need=need, member=helper, status=CollaboratorStatus.ACTIVE)
    need_progress_add(need=need, member=helper, date=dt.date(2022, 2, 1), current_status="进展")
    with pytest.raises(ApplicationError, match="负责人不能同时作为协同人"):
        need_collaborator_set(need=need, member=member, status=CollaboratorStatus.ACTIVE)


def test_a_member_outside_the_batch_cannot_claim(world):
    need = a_need(world, state=NeedState.PUBLISHED)
    with pytest.raises(ApplicationError, match="不能认领"):
        need_claim(need=need, member=MemberFactory())
    need.refresh_from_db()
    assert need.state == NeedState.PUBLISHED and need.owner is None


def test_outcomes_only_after_completion_as_positive_increments(world):
    _group, member, _ = world
    need = a_need(world)
    with pytest.raises(ApplicationError, match="办结后才能登记成效"):
        outcome_round_add(need=need, date=dt.date(2022, 3, 1), signed_amount_wan="10")
    need = walk_to_completed(need, member)
    with pytest.raises(ApplicationError, match="至少填写一项大于0的增量"):
        outcome_round_add(need=need, date=dt.date(2022, 3, 1))
    with pytest.raises(ApplicationError, match="新增到账金额不能为负数"):
        outcome_round_add(need=need, date=dt.date(2022, 3, 1), received_amount_wan="-5")
    first = outcome_round_add(need=need, date=dt.date(2022, 3, 1), signed_amount_wan="100", received_amount_wan="30")
    outcome_round_approve(outcome=first)
    with pytest.raises(ApplicationError, match="已审核"):
        outcome_round_approve(outcome=first)
    assert OutcomeRound.objects.get().signed_amount_wan == Decimal("100")


def test_merge_points_to_the_kept_need_and_is_final(world):
    keep = a_need(world)
    duplicate = a_need(world)
    with pytest.raises(ApplicationError, match="不能将需求合并到自身"):
        need_merge(need=duplicate, into=duplicate)
    duplicate = need_merge(need=duplicate, into=keep)
    assert duplicate.state == NeedState.MERGED and duplicate.merged_into == keep
    with pytest.raises(ApplicationError, match="不能执行"):
        need_transition(need=duplicate, action=NeedAction.VERIFY)

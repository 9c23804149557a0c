"""The need loop: leads, needs, transitions (by the table in ``state_machine``), progress, outcomes."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from techmayor.cooperation.services import parse_wan
from techmayor.core.errors import ApplicationError
from techmayor.core.models import AuditAction
from techmayor.core.services import create_record, update_record
from techmayor.core.text import clean_text
from techmayor.roster.services import credited_create

from .choices import CollaboratorStatus, LeadSource, LeadStatus, NeedAction, NeedState
from .models import Lead, Need, NeedCollaborator, NeedTransition, OutcomeRound, ProgressEntry
from .state_machine import REASON_REQUIRED, next_state


def _next_reference(day: dt.date) -> str:
    prefix = f"XQ{day:%Y%m%d}"
    count = Lead.objects.filter(reference__startswith=prefix).count()
    return f"{prefix}{count + 1:04d}"


def lead_create(
    *,
    source: str,
    raw_text: str,
    title: str = "",
    enterprise=None,
    enterprise_name: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    region=None,
    visit=None,
    by=None,
) -> Lead:
    """Keep a lead's original text and source; returns it with a reference number (受理编号)."""
    if source not in LeadSource.values:
        raise ApplicationError(f"未知的线索来源「{source}」", field="source")
    if not (raw_text or "").strip():
        raise ApplicationError("需求内容不能为空", field="raw_text")
    if source == LeadSource.VISIT and visit is None:
        raise ApplicationError("来自走访的线索须关联走访记录", field="visit")
    day = timezone.localdate()
    for _ in range(5):
        try:
            with transaction.atomic():
                return create_record(
                    Lead,
                    by=by,
                    source=source,
                    reference=_next_reference(day),
                    raw_text=raw_text,
                    title=clean_text(title),
                    enterprise=enterprise or (visit.enterprise if visit else None),
                    enterprise_name=clean_text(enterprise_name),
                    contact_name=clean_text(contact_name),
                    contact_phone=clean_text(contact_phone),
                    region=region,
                    visit=visit,
                )
        except ApplicationError:
            if Lead.objects.filter(reference=_next_reference(day)).exists():
                continue  # a concurrent writer took the number; take the next one
            raise
    raise ApplicationError("受理编号生成冲突，请重试")


@transaction.atomic
def need_create(
    *,
    batch,
    group,
    enterprise,
    title: str,
    description: str,
    date: dt.date,
    members=(),
    lead: Lead | None = None,
    kind: str = "technology",
    urgency: str = "normal",
    is_bottleneck: bool = False,
    industry=None,
    region=None,
    state: str = NeedState.PENDING,
    by=None,
) -> Need:
    """Create a need (from a lead, or directly). It starts 待核实 unless an administrator enters it."""
    if not clean_text(title):
        raise ApplicationError("需求标题不能为空", field="title")
    if not clean_text(description):
        raise ApplicationError("需求描述不能为空", field="description")
    if state not in (NeedState.PENDING, NeedState.VERIFIED, NeedState.PUBLISHED):
        raise ApplicationError("新建需求的状态只能是待核实、待审核或已发布", field="state")
    need = credited_create(
        Need,
        batch=batch,
        group=group,
        date=date,
        members=members,
        by=by,
        lead=lead,
        enterprise=enterprise,
        title=clean_text(title),
        description=description.strip(),
        kind=kind,
        urgency=urgency,
        is_bottleneck=is_bottleneck,
        industry=industry,
        region=region or getattr(lead, "region", None) or enterprise.region,
        state=state,
    )
    if lead is not None and lead.status == LeadStatus.NEW:
        update_record(lead, by=by, status=LeadStatus.CONVERTED)
    return need


@transaction.atomic
def need_transition(*, need: Need, action: str, by=None, reason: str = "", **changes) -> Need:
    """Apply ``action`` if the transition table allows it; record it on the need's timeline and in the audit log."""
    need = Need.objects.select_for_update().get(pk=need.pk)
    target = next_state(need.state, action)
    if target is None:
        action_label = NeedAction(action).label if action in NeedAction.values else action
        raise ApplicationError(
            f"需求「{need.title}」当前状态为「{need.get_state_display()}」，不能执行「{action_label}」", field="state"
        )
    reason = (reason or "").strip()
    if action in REASON_REQUIRED and not reason:
        raise ApplicationError(f"「{NeedAction(action).label}」须填写原因", field="reason")
    from_state = need.state
    if action in (NeedAction.RETURN, NeedAction.REJECT_COMPLETION, NeedAction.CANCEL):
        changes["state_reason"] = reason
    need = update_record(
        need, by=by, action=AuditAction.TRANSITION, note=f"{action}: {reason}"[:255], state=target, **changes
    )
    NeedTransition.objects.create(
        need=need,
        action=action,
        from_state=from_state,
        to_state=target,
        actor=by if getattr(by, "pk", None) else None,
        reason=reason[:300],
    )
    return need


def need_claim(*, need: Need, member, by=None) -> Need:
    """A member claims a published need and becomes its one owner."""
    if not need.batch.tenures.filter(member=member).exists():
        raise ApplicationError(f"{member}不是{need.batch}的团员，不能认领", field="owner")
    return need_transition(need=need, action=NeedAction.CLAIM, by=by, owner=member, last_progress_at=timezone.now())


def need_release(*, need: Need, by=None, reason: str = "") -> Need:
    return need_transition(need=need, action=NeedAction.RELEASE, by=by, reason=reason, owner=None)


@transaction.atomic
def need_collaborator_set(*, need: Need, member, status: str, by=None) -> NeedCollaborator:
    if member.pk == need.owner_id:
        raise ApplicationError("负责人不能同时作为协同人", field="member")
    if status not in CollaboratorStatus.values:
        raise ApplicationError(f"未知的协同状态「{status}」", field="status")
    link = NeedCollaborator.objects.filter(need=need, member=member).first()
    if link:
        return update_record(link, by=by, status=status)
    return create_record(NeedCollaborator, by=by, need=need, member=member, status=status)


@transaction.atomic
def need_progress_add(*, need: Need, member, date: dt.date, current_status: str, next_step: str = "", by=None):
    if need.state not in (NeedState.CLAIMED, NeedState.COMPLETION_SUBMITTED):
        raise ApplicationError(f"需求当前状态为「{need.get_state_display()}」，不能填报进展", field="state")
    is_collaborator = need.collaborator_links.filter(member=member, status=CollaboratorStatus.ACTIVE).exists()
    if member.pk != need.owner_id and not is_collaborator:
        raise ApplicationError(f"{member}不是该需求的负责人或协同人", field="member")
    if not clean_text(current_status):
        raise ApplicationError("当前进展不能为空", field="current_status")
    if date > timezone.localdate():
        raise ApplicationError(f"进展日期 {date} 不能晚于今天", field="date")
    entry = create_record(
        ProgressEntry,
        by=by,
        need=need,
        member=member,
        date=date,
        current_status=current_status.strip(),
        next_step=next_step.strip(),
    )
    update_record(need, by=by, last_progress_at=timezone.now())
    return entry


def need_submit_completion(*, need: Need, solution: str, by=None) -> Need:
    if not clean_text(solution):
        raise ApplicationError("提交办结须填写解决方案及对接的资源", field="solution")
    return need_transition(need=need, action=NeedAction.SUBMIT_COMPLETION, by=by, solution=solution.strip())


def need_approve_completion(*, need: Need, by=None) -> Need:
    return need_transition(need=need, action=NeedAction.APPROVE_COMPLETION, by=by, completed_at=timezone.now())


@transaction.atomic
def need_merge(*, need: Need, into: Need, by=None, reason: str = "") -> Need:
    """Merge a duplicate into another need; the duplicate becomes read-only and points to it."""
    if need.pk == into.pk:
        raise ApplicationError("不能将需求合并到自身", field="merged_into")
    if into.state in (NeedState.CANCELLED, NeedState.MERGED):
        raise ApplicationError(f"目标需求「{into}」已{into.get_state_display()}，不能作为合并目标", field="merged_into")
    return need_transition(
        need=need, action=NeedAction.MERGE, by=by, reason=reason or f"合并至「{into.title}」", merged_into=into
    )


@transaction.atomic
def outcome_round_add(
    *,
    need: Need,
    date: dt.date,
    signed_amount_wan=0,
    received_amount_wan=0,
    investment_wan=0,
    talents: int = 0,
    patents: int = 0,
    description: str = "",
    by=None,
) -> OutcomeRound:
    """Add one round of outcomes after completion, as increments."""
    if need.state != NeedState.COMPLETED:
        raise ApplicationError("需求办结后才能登记成效", field="state")
    amounts = {
        "signed_amount_wan": parse_wan(signed_amount_wan, field="signed_amount_wan", label="新增签约金额"),
        "received_amount_wan": parse_wan(received_amount_wan, field="received_amount_wan", label="新增到账金额"),
        "investment_wan": parse_wan(investment_wan, field="investment_wan", label="新增投资"),
    }
    if talents < 0 or patents < 0:
        raise ApplicationError("新增人才、专利数不能为负数", field="talents")
    if not any(amounts.values()) and not talents and not patents:
        raise ApplicationError("本轮成效至少填写一项大于0的增量", field="signed_amount_wan")
    return create_record(
        OutcomeRound, by=by, need=need, date=date, talents=talents, patents=patents, description=description, **amounts
    )


def outcome_round_approve(*, outcome: OutcomeRound, by=None) -> OutcomeRound:
    if outcome.is_approved:
        raise ApplicationError("该轮成效已审核", field="is_approved")
    return update_record(outcome, by=by, is_approved=True, approved_at=timezone.now())

"""The need loop: leads, needs, transitions (by the table in ``state_machine``), progress, outcomes."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from techmayor.cooperation.services import parse_wan
from techmayor.core import clock
from techmayor.core.attachments import attachment_add, check_file
from techmayor.core.errors import ApplicationError
from techmayor.core.models import AttachmentKind, AuditAction
from techmayor.core.services import create_record, update_record
from techmayor.core.text import clean_text
from techmayor.roster.services import credited_create

from . import notices
from .choices import CollaboratorStatus, LeadSource, LeadStatus, NeedAction, NeedState
from .models import (
    IntakeChannel,
    Lead,
    Need,
    NeedCollaborator,
    NeedPolicy,
    NeedTransition,
    OutcomeRound,
    ProgressEntry,
)
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
    consent_at=None,
    received_on: dt.date | None = None,
    by=None,
) -> Lead:
    """Keep a lead's original text and source; returns it with a reference number (受理编号).

    The number carries the day the lead was received (``received_on``, default today), so a lead
    entered after the fact keeps its own date.

    Without a region the lead lies where its enterprise (or its visit's enterprise) lies, so the
    town that should verify it can see it.
    """
    if source not in LeadSource.values:
        raise ApplicationError(gettext("未知的线索来源「%(source)s」") % {"source": source}, field="source")
    if not (raw_text or "").strip():
        raise ApplicationError(gettext("需求内容不能为空"), field="raw_text")
    if source == LeadSource.VISIT and visit is None:
        raise ApplicationError(gettext("来自走访的线索须关联走访记录"), field="visit")
    day = received_on or clock.today()
    enterprise = enterprise or (visit.enterprise if visit else None)
    if region is None and enterprise is not None:
        region = enterprise.region
    for _ in range(5):
        try:
            with transaction.atomic():
                lead = create_record(
                    Lead,
                    by=by,
                    source=source,
                    reference=_next_reference(day),
                    raw_text=raw_text,
                    title=clean_text(title),
                    enterprise=enterprise,
                    enterprise_name=clean_text(enterprise_name),
                    contact_name=clean_text(contact_name),
                    contact_phone=clean_text(contact_phone),
                    region=region,
                    visit=visit,
                    consent_at=consent_at,
                )
                notices.lead_received(lead, by=by)
                return lead
        except ApplicationError:
            if Lead.objects.filter(reference=_next_reference(day)).exists():
                continue  # a concurrent writer took the number; take the next one
            raise
    raise ApplicationError(gettext("受理编号生成冲突，请重试"))


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
        raise ApplicationError(gettext("需求标题不能为空"), field="title")
    if not clean_text(description):
        raise ApplicationError(gettext("需求描述不能为空"), field="description")
    if state not in (NeedState.PENDING, NeedState.VERIFIED, NeedState.PUBLISHED):
        raise ApplicationError(gettext("新建需求的状态只能是待核实、待审核或已发布"), field="state")
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
        notices.lead_handled(lead)
    notices.need_waiting(need, by=by)
    return need


@transaction.atomic
def need_transition(
    *, need: Need, action: str, by=None, reason: str = "", at: dt.datetime | None = None, **changes
) -> Need:
    """Apply ``action`` if the transition table allows it; record it on the need's timeline and in the audit log.

    ``at`` dates the step when it is entered after the fact (imports, the demo); default now.
    """
    # Lock the need only (not the joined rows); its batch and group come along for the model's clean().
    need = Need.objects.select_for_update(of=("self",)).select_related("batch", "group").get(pk=need.pk)
    target = next_state(need.state, action)
    if target is None:
        action_label = NeedAction(action).label if action in NeedAction.values else action
        raise ApplicationError(
            gettext("需求「%(title)s」当前状态为「%(state)s」，不能执行「%(action)s」")
            % {"title": need.title, "state": need.get_state_display(), "action": action_label},
            field="state",
        )
    reason = (reason or "").strip()
    if action in REASON_REQUIRED and not reason:
        raise ApplicationError(
            gettext("「%(action)s」须填写原因") % {"action": NeedAction(action).label}, field="reason"
        )
    from_state = need.state
    if action in (NeedAction.RETURN, NeedAction.REJECT_COMPLETION, NeedAction.CANCEL):
        changes["state_reason"] = reason
    need = update_record(
        need, by=by, action=AuditAction.TRANSITION, audit_note=f"{action}: {reason}"[:255], state=target, **changes
    )
    at = at or clock.now()
    step = NeedTransition.objects.create(
        need=need,
        action=action,
        from_state=from_state,
        to_state=target,
        actor=by if getattr(by, "pk", None) else None,
        reason=reason[:300],
        at=at,
        stay_tenths=_tenths(need.transitions.filter(at__lte=at).order_by("-at", "-id").first(), need, at),
    )
    if need.transitions.filter(at__gt=at).exists():  # entered after the fact, before later steps
        _restay(need)
    notices.need_moved(need, from_state=from_state)
    notices.need_waiting(need, step=step, by=by)
    return need


def _tenths(previous: NeedTransition | None, need: Need, at: dt.datetime) -> int:
    """Tenths of a day from entering the state (the previous step, or the need's creation) to ``at``."""
    entered = previous.at if previous is not None else need.created_at
    return round(max((at - entered).total_seconds(), 0) / 8640)


def _restay(need: Need) -> None:
    """Recompute the stays of the need's whole timeline (one step was inserted between others)."""
    previous = None
    for step in need.transitions.order_by("at", "id"):
        tenths = _tenths(previous, need, step.at)
        if step.stay_tenths != tenths:
            step.stay_tenths = tenths
            step.save(update_fields=["stay_tenths"])
        previous = step


def claimed_message(need: Need, member) -> str:
    if member is not None and need.owner_id == member.pk:
        return gettext("你已认领需求「%(title)s」") % {"title": need.title}
    return gettext("需求「%(title)s」已被他人认领") % {"title": need.title}


@transaction.atomic
def need_claim(*, need: Need, member, by=None, at: dt.datetime | None = None) -> Need:
    """A member claims a published need and becomes its one owner (no longer a collaborator of it).

    Two members claiming at once: the second waits for the first (the row is locked; SQLite's
    transactions are IMMEDIATE) and is told the need is taken."""
    current = Need.objects.select_for_update().get(pk=need.pk)
    if current.owner_id is not None:
        raise ApplicationError(claimed_message(current, member), field="state")
    if not need.serves_on(member):
        raise ApplicationError(
            gettext("%(member)s不是%(batch)s的团员，不能认领") % {"member": member, "batch": need.working_batch},
            field="owner",
        )
    at = at or clock.now()
    need = need_transition(need=need, action=NeedAction.CLAIM, by=by, at=at, owner=member, last_progress_at=at)
    link = need.collaborator_links.filter(member=member).exclude(status=CollaboratorStatus.LEFT).first()
    if link is not None:
        update_record(link, by=by, status=CollaboratorStatus.LEFT, audit_note="成为负责人")
        notices.collaboration_answered(link)
    return need


def need_release(*, need: Need, by=None, reason: str = "") -> Need:
    return need_transition(need=need, action=NeedAction.RELEASE, by=by, reason=reason, owner=None)


@transaction.atomic
def need_collaborator_set(*, need: Need, member, status: str, by=None) -> NeedCollaborator:
    if member.pk == need.owner_id:
        raise ApplicationError(gettext("负责人不能同时作为协同人"), field="member")
    if status not in CollaboratorStatus.values:
        raise ApplicationError(gettext("未知的协同状态「%(status)s」") % {"status": status}, field="status")
    link = NeedCollaborator.objects.filter(need=need, member=member).first()
    if link:
        link = update_record(link, by=by, status=status)
    else:
        link = create_record(NeedCollaborator, by=by, need=need, member=member, status=status)
    notices.collaboration_answered(link)
    notices.collaboration_asked(link, by=by)
    return link


@transaction.atomic
def need_progress_add(*, need: Need, member, date: dt.date, current_status: str, next_step: str = "", by=None):
    """Report progress; the need's last progress moves to the entry's date (now, for today's entries)."""
    if need.state not in (NeedState.CLAIMED, NeedState.COMPLETION_SUBMITTED):
        raise ApplicationError(
            gettext("需求当前状态为「%(state)s」，不能填报进展") % {"state": need.get_state_display()}, field="state"
        )
    is_collaborator = need.collaborator_links.filter(member=member, status=CollaboratorStatus.ACTIVE).exists()
    if member.pk != need.owner_id and not is_collaborator:
        raise ApplicationError(gettext("%(member)s不是该需求的负责人或协同人") % {"member": member}, field="member")
    if not clean_text(current_status):
        raise ApplicationError(gettext("当前进展不能为空"), field="current_status")
    if date > clock.today():
        raise ApplicationError(
            gettext("进展日期 %(date)s 不能晚于今天（%(today)s）") % {"date": date, "today": clock.today()},
            field="date",
        )
    entry = create_record(
        ProgressEntry,
        by=by,
        need=need,
        member=member,
        date=date,
        current_status=current_status.strip(),
        next_step=next_step.strip(),
    )
    reported_at = clock.now() if date == clock.today() else _noon(date)
    if need.last_progress_at is None or reported_at > need.last_progress_at:
        update_record(need, by=by, last_progress_at=reported_at)
        notices.need_progressed(need)
    return entry


def _noon(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


@transaction.atomic
def need_submit_completion(*, need: Need, solution: str, file=None, by=None, at: dt.datetime | None = None) -> Need:
    """The owner submits the solution and the resources connected, optionally with a file (e.g. the agreement)."""
    if not clean_text(solution):
        raise ApplicationError(gettext("提交办结须填写解决方案及对接的资源"), field="solution")
    if file is not None:
        check_file(file)  # refuse a bad file before anything is written
    need = need_transition(need=need, action=NeedAction.SUBMIT_COMPLETION, by=by, at=at, solution=solution.strip())
    if file is not None:
        attachment_add(obj=need, file=file, by=by, kind=AttachmentKind.COMPLETION)
    return need


def need_approve_completion(*, need: Need, by=None, at: dt.datetime | None = None) -> Need:
    at = at or clock.now()
    return need_transition(need=need, action=NeedAction.APPROVE_COMPLETION, by=by, at=at, completed_at=at)


@transaction.atomic
def need_merge(*, need: Need, into: Need, by=None, reason: str = "", at: dt.datetime | None = None) -> Need:
    """Merge a duplicate into another need; the duplicate becomes read-only and points to it."""
    if need.pk == into.pk:
        raise ApplicationError(gettext("不能将需求合并到自身"), field="merged_into")
    if into.state in (NeedState.CANCELLED, NeedState.MERGED):
        raise ApplicationError(
            gettext("目标需求「%(into)s」已%(state)s，不能作为合并目标")
            % {"into": into, "state": into.get_state_display()},
            field="merged_into",
        )
    return need_transition(
        need=need, action=NeedAction.MERGE, by=by, at=at, reason=reason or f"合并至「{into.title}」", merged_into=into
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
        raise ApplicationError(gettext("需求办结后才能登记成效"), field="state")
    amounts = {
        "signed_amount_wan": parse_wan(signed_amount_wan, field="signed_amount_wan", label=gettext("新增签约金额")),
        "received_amount_wan": parse_wan(
            received_amount_wan, field="received_amount_wan", label=gettext("新增到账金额")
        ),
        "investment_wan": parse_wan(investment_wan, field="investment_wan", label=gettext("新增投资")),
    }
    if talents < 0 or patents < 0:
        raise ApplicationError(gettext("新增人才、专利数不能为负数"), field="talents")
    if not any(amounts.values()) and not talents and not patents:
        raise ApplicationError(gettext("本轮成效至少填写一项大于0的增量"), field="signed_amount_wan")
    outcome = create_record(
        OutcomeRound, by=by, need=need, date=date, talents=talents, patents=patents, description=description, **amounts
    )
    notices.outcome_added(outcome, by=by)
    return outcome


def outcome_round_approve(*, outcome: OutcomeRound, by=None, at: dt.datetime | None = None) -> OutcomeRound:
    if outcome.is_approved:
        raise ApplicationError(gettext("该轮成效已审核"), field="is_approved")
    notices.outcome_approved(outcome)
    return update_record(outcome, by=by, is_approved=True, approved_at=at or clock.now())


# ---------------------------------------------------------------- leads: public intake, rejection, conversion


def intake_channel_open(*, region, by=None) -> IntakeChannel:
    """The town's public intake link: created once with a random token that never changes, reopened if closed."""
    from techmayor.core.models import RegionLevel

    if region.level not in (RegionLevel.TOWN, RegionLevel.PARK):
        raise ApplicationError(
            gettext("「%(region)s」不是镇（街道）或园区，不能开设需求征集入口") % {"region": region}, field="region"
        )
    channel = IntakeChannel.objects.filter(region=region).first()
    if channel is None:
        return create_record(IntakeChannel, by=by, region=region, token=secrets.token_urlsafe(12))
    if not channel.is_active:
        return update_record(channel, by=by, is_active=True)
    return channel


def intake_channel_close(*, channel: IntakeChannel, by=None) -> IntakeChannel:
    """Stop taking submissions on the link (the link and the leads it brought are kept)."""
    return update_record(channel, by=by, is_active=False)


def lead_submit_public(
    *,
    channel: IntakeChannel,
    enterprise_name: str,
    contact_name: str,
    contact_phone: str,
    title: str,
    description: str,
    consent: bool,
) -> Lead:
    """An enterprise submits a need on the town's public page (no login). Returns the lead with its 受理编号."""
    if not channel.is_active:
        raise ApplicationError(gettext("该需求征集入口已停用"), field="token")
    if not consent:
        raise ApplicationError(gettext("请阅读并同意信息使用说明"), field="consent")
    for field, value, label in (
        ("enterprise_name", enterprise_name, gettext("企业名称")),
        ("contact_name", contact_name, gettext("联系人")),
        ("contact_phone", contact_phone, gettext("联系电话")),
        ("title", title, gettext("需求标题")),
    ):
        if not clean_text(value):
            raise ApplicationError(gettext("%(label)s不能为空") % {"label": label}, field=field)
    return lead_create(
        source=LeadSource.PUBLIC,
        raw_text=description,
        title=title,
        enterprise_name=enterprise_name,
        contact_name=contact_name,
        contact_phone=contact_phone,
        region=channel.region,
        consent_at=timezone.now(),
    )


@transaction.atomic
def lead_reject(*, lead: Lead, reason: str, by=None) -> Lead:
    """Decline a lead with a reason (不予受理). Its original text stays as it arrived."""
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if lead.status != LeadStatus.NEW:
        raise ApplicationError(
            gettext("线索 %(reference)s 已%(status)s，不能再处理")
            % {"reference": lead.reference, "status": lead.get_status_display()},
            field="status",
        )
    reason = clean_text(reason)
    if not reason:
        raise ApplicationError(gettext("不予受理须填写原因"), field="reason")
    notices.lead_handled(lead)
    return update_record(
        lead, by=by, action=AuditAction.TRANSITION, audit_note=f"reject: {reason}"[:255], status=LeadStatus.REJECTED,
        status_reason=reason[:300],
    )  # fmt: skip


@transaction.atomic
def lead_convert(
    *,
    lead: Lead,
    group,
    enterprise,
    title: str,
    description: str,
    date: dt.date,
    kind: str = "technology",
    urgency: str = "normal",
    is_bottleneck: bool = False,
    industry=None,
    advance_to: str = NeedState.PENDING,
    by=None,
) -> Need:
    """Turn a lead into a need (the lead keeps its text); town staff may verify it at once, admins also publish.

    ``advance_to`` walks the need through the transition table (verify, then publish) so the
    timeline shows each step; who may ask for which step is checked by ``needs.permissions``.
    """
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if lead.status != LeadStatus.NEW:
        raise ApplicationError(
            gettext("线索 %(reference)s 已%(status)s，不能再转为需求")
            % {"reference": lead.reference, "status": lead.get_status_display()},
            field="status",
        )
    steps = {
        NeedState.PENDING: [],
        NeedState.VERIFIED: [NeedAction.VERIFY],
        NeedState.PUBLISHED: [NeedAction.VERIFY, NeedAction.PUBLISH],
    }
    if advance_to not in steps:
        raise ApplicationError(gettext("转为需求后的状态只能是待核实、待审核或已发布"), field="advance_to")
    # Credited to the visit's members who serve in the need's batch: a lead collected in a batch that
    # has since closed becomes a need of the current one, where some of them may not serve any more.
    members = list(lead.visit.members.filter(tenures__batch=group.batch).distinct()) if lead.visit_id else []
    need = need_create(
        batch=group.batch,
        group=group,
        enterprise=enterprise,
        title=title,
        description=description,
        date=date,
        members=members,
        lead=lead,
        kind=kind,
        urgency=urgency,
        is_bottleneck=is_bottleneck,
        industry=industry,
        region=lead.region or enterprise.region,
        by=by,
    )
    for action in steps[advance_to]:
        need = need_transition(need=need, action=action, by=by)
    return need


# ---------------------------------------------------------------- needs: editing before claim

EDITABLE_STATES = (NeedState.PENDING, NeedState.VERIFIED, NeedState.RETURNED, NeedState.PUBLISHED)
EDITABLE_FIELDS = ("title", "description", "kind", "urgency", "is_bottleneck", "industry")


@transaction.atomic
def need_update(*, need: Need, by=None, **changes) -> Need:
    """Correct a need before it is claimed (title, description, type, urgency, 卡脖子, industry); audited."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ApplicationError(
            gettext("不能修改字段：%(fields)s") % {"fields": gettext("、").join(sorted(unknown))},
            field=sorted(unknown)[0],
        )
    if need.state not in EDITABLE_STATES:
        raise ApplicationError(
            gettext("需求当前状态为「%(state)s」，不能修改") % {"state": need.get_state_display()}, field="state"
        )
    if "title" in changes:
        changes["title"] = clean_text(changes["title"])
        if not changes["title"]:
            raise ApplicationError(gettext("需求标题不能为空"), field="title")
    if "description" in changes:
        changes["description"] = (changes["description"] or "").strip()
        if not changes["description"]:
            raise ApplicationError(gettext("需求描述不能为空"), field="description")
    return update_record(need, by=by, **changes)


# ---------------------------------------------------------------- collaboration: invitation or request

COLLABORATION_STATES = (NeedState.CLAIMED, NeedState.COMPLETION_SUBMITTED)


def _check_collaboration(need: Need, member) -> NeedCollaborator | None:
    if need.state not in COLLABORATION_STATES:
        raise ApplicationError(
            gettext("需求当前状态为「%(state)s」，不能加入协同") % {"state": need.get_state_display()}, field="state"
        )
    if member.pk == need.owner_id:
        raise ApplicationError(gettext("负责人不能同时作为协同人"), field="member")
    if not need.serves_on(member):
        raise ApplicationError(
            gettext("%(member)s不是%(batch)s的团员，不能协同") % {"member": member, "batch": need.working_batch},
            field="member",
        )
    return NeedCollaborator.objects.filter(need=need, member=member).first()


@transaction.atomic
def need_collaborator_invite(*, need: Need, member, by=None) -> NeedCollaborator:
    """The owner invites a member; if that member had asked to join, they join at once."""
    link = _check_collaboration(need, member)
    if link is not None and link.status == CollaboratorStatus.ACTIVE:
        raise ApplicationError(gettext("%(member)s已是协同人") % {"member": member}, field="member")
    if link is not None and link.status == CollaboratorStatus.INVITED:
        raise ApplicationError(gettext("已邀请%(member)s，等待对方接受") % {"member": member}, field="member")
    asked = link is not None and link.status == CollaboratorStatus.REQUESTED
    status = CollaboratorStatus.ACTIVE if asked else CollaboratorStatus.INVITED
    return need_collaborator_set(need=need, member=member, status=status, by=by)


@transaction.atomic
def need_collaborator_request(*, need: Need, member, by=None) -> NeedCollaborator:
    """A member asks to join; if the owner had invited them, they join at once."""
    link = _check_collaboration(need, member)
    if link is not None and link.status == CollaboratorStatus.ACTIVE:
        raise ApplicationError(gettext("您已是该需求的协同人"), field="member")
    if link is not None and link.status == CollaboratorStatus.REQUESTED:
        raise ApplicationError(gettext("已申请协同，等待负责人同意"), field="member")
    invited = link is not None and link.status == CollaboratorStatus.INVITED
    status = CollaboratorStatus.ACTIVE if invited else CollaboratorStatus.REQUESTED
    return need_collaborator_set(need=need, member=member, status=status, by=by)


@transaction.atomic
def need_collaborator_respond(*, link: NeedCollaborator, accept: bool, by=None) -> NeedCollaborator:
    """Answer an invitation (the invited member) or a request (the owner): join, or not."""
    if link.status not in (CollaboratorStatus.INVITED, CollaboratorStatus.REQUESTED):
        raise ApplicationError(
            gettext("该协同记录状态为「%(status)s」，无需处理") % {"status": link.get_status_display()}, field="status"
        )
    if accept and link.need.state not in COLLABORATION_STATES:
        raise ApplicationError(
            gettext("需求当前状态为「%(state)s」，不能加入协同") % {"state": link.need.get_state_display()},
            field="state",
        )
    status = CollaboratorStatus.ACTIVE if accept else CollaboratorStatus.LEFT
    return need_collaborator_set(need=link.need, member=link.member, status=status, by=by)


@transaction.atomic
def need_collaborator_leave(*, link: NeedCollaborator, by=None) -> NeedCollaborator:
    """A collaborator leaves, or the owner ends the collaboration (the record is kept as 已退出)."""
    if link.status == CollaboratorStatus.LEFT:
        raise ApplicationError(gettext("已退出协同"), field="status")
    return need_collaborator_set(need=link.need, member=link.member, status=CollaboratorStatus.LEFT, by=by)


# ---------------------------------------------------------------- progress with an optional file


@transaction.atomic
def need_progress_report(
    *, need: Need, member, date: dt.date, current_status: str, next_step: str = "", file=None, by=None
) -> ProgressEntry:
    """A progress entry (current state, next step) with an optional attachment, in one step."""
    if file is not None:
        check_file(file)  # refuse a bad file before anything is written
    entry = need_progress_add(
        need=need, member=member, date=date, current_status=current_status, next_step=next_step, by=by
    )
    if file is not None:
        attachment_add(obj=entry, file=file, by=by, kind=AttachmentKind.PROGRESS)
    return entry


# ---------------------------------------------------------------- withdrawal (作废)


@transaction.atomic
def need_withdraw(*, need: Need, reason: str, by=None) -> Need:
    """作废 a need entered by mistake (who may: ``permissions.need_can_withdraw``): it leaves every list,
    figure and match; its lead, intents and agreements stay as they are."""
    from techmayor.core.services import withdraw_record

    if Need.objects.filter(merged_into=need).exists():
        raise ApplicationError(
            gettext("需求「%(title)s」有合并进来的重复需求，不能作废") % {"title": need.title}, field="reason"
        )
    notices.need_gone(need)
    return withdraw_record(need, by=by, reason=reason)


def need_restore(*, need: Need, by=None) -> Need:
    from techmayor.core.services import restore_record

    return restore_record(need, by=by)


@transaction.atomic
def lead_withdraw(*, lead: Lead, reason: str, by=None) -> Lead:
    """作废 a lead entered by mistake; a lead that became a need is withdrawn through its need."""
    from techmayor.core.services import withdraw_record

    need = Need.objects.filter(lead=lead).first()
    if need is not None:
        raise ApplicationError(
            gettext("线索 %(reference)s 已转为需求「%(title)s」，请作废该需求")
            % {"reference": lead.reference, "title": need.title},
            field="reason",
        )
    notices.lead_handled(lead)
    return withdraw_record(lead, by=by, reason=reason)


def lead_restore(*, lead: Lead, by=None) -> Lead:
    from techmayor.core.services import restore_record

    return restore_record(lead, by=by)


# ---------------------------------------------------------------- 哪项政策有帮助 (policies linked to a need)


@transaction.atomic
def need_policy_link(*, need: Need, policy, note: str = "", by=None) -> NeedPolicy:
    """Link a policy of the library to ``need`` (again, if it was removed), with how it helps."""
    note = clean_text(note)[:200]
    link = NeedPolicy.objects.select_for_update().filter(need=need, policy=policy).first()
    if link is None:
        return create_record(NeedPolicy, by=by, need=need, policy=policy, note=note)
    if not link.is_removed:
        raise ApplicationError(gettext("政策「%(policy)s」已关联到这条需求") % {"policy": policy}, field="policy")
    return update_record(link, by=by, note=note, is_removed=False)


def need_policy_unlink(*, link: NeedPolicy, by=None) -> NeedPolicy:
    if link.is_removed:
        raise ApplicationError(gettext("该政策已不再关联这条需求"), field="policy")
    return update_record(link, by=by, is_removed=True)

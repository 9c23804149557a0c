"""Reminders of the need loop: who is told when a lead or need waits for them.

Called by ``services`` where the event happens; each reminder is written when the transaction
commits and only if the work is still waiting then (a lead converted and published in one step
tells nobody to verify it). Recipients follow ``needs.permissions``: leads and needs to verify go
to the town's staff (else the city's administrators, who verify where no town does), needs to
review, completions and outcome rounds to approve to the city's administrators, invitations to
the invited member, requests to join to the owner, stale needs to the owner.

Each event has a key (``need:12:verified:34`` …): ``notifications.notify`` tells a person of an
event once, however often it is emitted.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_noop

from techmayor.core import clock
from techmayor.notifications import recipients
from techmayor.notifications.choices import NotificationKind
from techmayor.notifications.services import notify, work_done

from .choices import CollaboratorStatus, LeadStatus, NeedState

# Reminders of a need with no progress: (days, message), the later first.
STALE_STEPS = (
    (45, gettext_noop("你负责的需求「%(title)s」已超过45天未更新，请尽快填报进展")),
    (30, gettext_noop("你负责的需求「%(title)s」已超过30天未更新，请填报进展")),
)


def _later(fn) -> None:
    transaction.on_commit(fn)


def lead_received(lead, *, by=None) -> None:
    """A new lead waits for its town (or the city) to turn it into a need or decline it."""

    def emit():
        from .models import Lead

        current = Lead.objects.select_related("region", "visit__batch").filter(pk=lead.pk).first()
        if current is None or current.status != LeadStatus.NEW:
            return
        city = current.visit.batch.city_id if current.visit_id else None
        notify(
            recipients=recipients.verifiers(current.region, city),
            kind=NotificationKind.REVIEW,
            key=f"lead:{current.pk}:new",
            message=gettext_noop("新的需求线索 %(reference)s「%(title)s」待处理"),
            params={"reference": current.reference, "title": current.title or current.raw_text[:30]},
            url=reverse("needs:lead_detail", args=[current.pk]),
            exclude=by,
        )

    _later(emit)


def need_waiting(need, *, step=None, by=None) -> None:
    """A need entered (``step`` None) or moved (``step``, its NeedTransition) into a state where
    someone must act: to verify, to review and publish, a completion to approve."""
    state = step.to_state if step is not None else need.state
    if state not in (NeedState.PENDING, NeedState.VERIFIED, NeedState.COMPLETION_SUBMITTED):
        return
    key = f"need:{need.pk}:{state}:{step.pk if step is not None else 0}"

    def emit():
        from .models import Need, NeedTransition

        current = Need.objects.select_related("region__parent", "batch").filter(pk=need.pk).first()
        if current is None or current.state != state:
            return  # moved on in the same transaction: nothing waits any more
        latest = NeedTransition.objects.filter(need=current).order_by("-id").values_list("pk", flat=True).first()
        if latest != (step.pk if step is not None else None):
            return  # moved away and back (returned, resubmitted): the later step tells
        city = current.batch.city_id
        params = {"title": current.title}
        url = reverse("needs:need_detail", args=[current.pk])
        if state == NeedState.PENDING:
            people, kind = recipients.verifiers(current.region, city), NotificationKind.REVIEW
            message = gettext_noop("需求「%(title)s」待核实")
        elif state == NeedState.VERIFIED:
            people, kind = recipients.city_admins(city), NotificationKind.REVIEW
            message = gettext_noop("需求「%(title)s」已核实，待审核发布")
        else:
            people, kind = recipients.city_admins(city), NotificationKind.APPROVAL
            message = gettext_noop("需求「%(title)s」已提交办结，待验收")
        notify(recipients=people, kind=kind, key=key, message=message, params=params, url=url, exclude=by)

    _later(emit)


def collaboration_asked(link, *, by=None) -> None:
    """An invitation (to the invited member) or a request to join (to the need's owner)."""
    if link.status not in (CollaboratorStatus.INVITED, CollaboratorStatus.REQUESTED):
        return
    status = link.status
    key = f"collaboration:{link.pk}:{status}:{link.updated_at:%Y%m%d%H%M%S%f}"

    def emit():
        from .models import NeedCollaborator

        current = NeedCollaborator.objects.select_related("need__owner__user", "member__user").get(pk=link.pk)
        if current.status != status:
            return
        need = current.need
        if status == CollaboratorStatus.INVITED:
            to = recipients.user_of(current.member)
            message = gettext_noop("邀请你协同需求「%(title)s」，请接受或谢绝")
        else:
            to = recipients.user_of(need.owner)
            message = gettext_noop("%(member)s 申请协同你负责的需求「%(title)s」")
        notify(
            recipients=[to],
            kind=NotificationKind.INVITATION,
            key=key,
            message=message,
            params={"title": need.title, "member": current.member.name},
            url=reverse("needs:need_detail", args=[need.pk]),
            exclude=by,
        )

    _later(emit)


def outcome_added(outcome, *, by=None) -> None:
    """An outcome round waits for the city's approval."""

    def emit():
        from .models import OutcomeRound

        current = OutcomeRound.objects.select_related("need__batch").filter(pk=outcome.pk).first()
        if current is None or current.is_approved:
            return
        notify(
            recipients=recipients.city_admins(current.need.batch.city_id),
            kind=NotificationKind.APPROVAL,
            key=f"outcome:{current.pk}",
            message=gettext_noop("需求「%(title)s」登记了新一轮成效，待审核"),
            params={"title": current.need.title},
            url=reverse("needs:need_detail", args=[current.need_id]),
            exclude=by,
        )

    _later(emit)


# ---------------------------------------------------------------- the work was handled
# Whoever handles the work (one of several town staff, another administrator, the owner themself),
# everyone told of it sees the message as handled, and it is not e-mailed any more.

WAITING_STATES = (NeedState.PENDING, NeedState.VERIFIED, NeedState.COMPLETION_SUBMITTED)


def need_moved(need, *, from_state: str) -> None:
    """A need left ``from_state``: the reminders of that wait are handled; a need no longer claimed
    needs no progress reminder."""
    if from_state in WAITING_STATES:
        work_done(prefixes=[f"need:{need.pk}:{from_state}:"])
    elif from_state == NeedState.CLAIMED:
        need_progressed(need)


def need_progressed(need) -> None:
    """New progress on a need answers its reminders of no progress."""
    work_done(prefixes=[f"need:{need.pk}:stale30:", f"need:{need.pk}:stale45:"])


def need_gone(need) -> None:
    """A need withdrawn: nothing about it waits for anyone."""
    work_done(prefixes=[f"need:{need.pk}:"])


def lead_handled(lead) -> None:
    """A lead converted, declined or withdrawn."""
    work_done(keys=[f"lead:{lead.pk}:new"])


def collaboration_answered(link) -> None:
    """An invitation or a request to join was answered (or withdrawn)."""
    if link.status not in (CollaboratorStatus.INVITED, CollaboratorStatus.REQUESTED):
        work_done(prefixes=[f"collaboration:{link.pk}:"])


def outcome_approved(outcome) -> None:
    work_done(keys=[f"outcome:{outcome.pk}"])


def stale_needs_remind(*, now: dt.datetime | None = None) -> int:
    """Tell owners of claimed needs with no progress for 30 days, and again at 45 (on the business
    clock). Once per need and step for each spell without progress: the key carries the last
    progress, so a need that is updated and then falls silent again is reminded again. A need found
    past 45 days gets only the 45-day reminder. Returns the reminders written."""
    from .models import Need

    now = now or clock.now()
    written = 0
    upper = None
    for days, message in STALE_STEPS:
        cutoff = now - dt.timedelta(days=days)
        needs = Need.objects.filter(
            state=NeedState.CLAIMED, last_progress_at__lt=cutoff, owner__user__isnull=False
        ).select_related("owner__user")
        if upper is not None:
            needs = needs.filter(last_progress_at__gte=upper)
        upper = cutoff
        for need in needs.order_by("pk"):
            written += len(
                notify(
                    recipients=[need.owner.user],
                    kind=NotificationKind.STALE,
                    key=f"need:{need.pk}:stale{days}:{need.last_progress_at:%Y%m%d%H%M%S}",
                    message=message,
                    params={"title": need.title, "days": days},
                    url=reverse("needs:need_detail", args=[need.pk]),
                )
            )
    return written

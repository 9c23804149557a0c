"""Reads for the need loop. Every query goes through the user's data scope (``accounts.scopes.scope_q``).

Who sees a need: the city's administrators and leaders (``batch__city``); district and town staff
(the need's ``region`` under theirs; district staff also their district's groups); group leaders
(their ``group``, their district's regions); members (needs credited to them — ``members`` —,
needs they own or collaborate on, and every *published* need of a batch they serve in, so they
can claim it).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from urllib.parse import urlencode

from django.contrib.contenttypes.models import ContentType
from django.db.models import Max, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from techmayor.accounts.choices import Role
from techmayor.accounts.scopes import Paths, active_roles, has_role, scope_q, single_valued
from techmayor.core import clock
from techmayor.core.cache import cached
from techmayor.core.models import Attachment, AuditAction, AuditLog
from techmayor.core.text import fold_width, normalize_company_name
from techmayor.roster.models import Member

from .choices import CollaboratorStatus, LeadStatus, NeedState
from .filters import LeadFilterSet, NeedFilterSet
from .models import STALE_AFTER, Lead, Need, NeedCollaborator, NeedTransition, OutcomeRound, ProgressEntry
from .state_machine import OPEN_STATES

# ---------------------------------------------------------------- scope

LINKED_STATUSES = (CollaboratorStatus.INVITED, CollaboratorStatus.REQUESTED, CollaboratorStatus.ACTIVE)


def need_paths(user) -> Paths:
    shared = (
        Q(state=NeedState.PUBLISHED, batch__tenures__member__user=user)
        | Q(state=NeedState.PUBLISHED, carried_into__tenures__member__user=user)  # carried on by a handover
        | Q(owner__user=user)
        | Q(collaborator_links__member__user=user, collaborator_links__status__in=LINKED_STATUSES)
    )
    return Paths(city="batch__city", region="region", group="group", member="members", shared=shared)


def need_visible(user) -> QuerySet[Need]:
    """The needs ``user`` may read (a subquery keeps rows unique however many joins the scope needs; a
    scope of whole cities filters the batch column directly)."""
    paths = need_paths(user)
    if single_valued(user, paths):
        return Need.objects.filter(scope_q(user, paths))
    scoped = Need.objects.filter(scope_q(user, paths)).values("pk")
    return Need.objects.filter(pk__in=scoped)


LEAD_PATHS = Paths(region="region", group="visit__group", member="visit__members")
LEAD_VISIT_CITY = Paths(city="visit__batch__city")


def lead_visible(user) -> QuerySet[Lead]:
    """Leads in the user's regions, from their group's or their own visits; administrators: their city."""
    q = scope_q(user, LEAD_PATHS) | scope_q(user, LEAD_VISIT_CITY)
    return Lead.objects.filter(pk__in=Lead.objects.filter(q).values("pk"))


# ---------------------------------------------------------------- needs


# What the list page shows of each need. The export and the API read more (the lead, the region); the
# page joins no more than it shows: each join costs PostgreSQL's planner more than reading the page does.
PAGE_RELATED = ("enterprise", "group", "owner", "match_summary")
EXPORT_RELATED = ("enterprise", "group__batch", "owner", "region", "lead", "match_summary")


def need_filterset(*, user, data=None, related: tuple[str, ...] = EXPORT_RELATED) -> NeedFilterSet:
    queryset = need_visible(user).select_related(*related).order_by("-date", "-id")
    return NeedFilterSet(data=data or None, queryset=queryset, user=user)


def need_list(*, user, filters=None) -> QuerySet[Need]:
    """The needs the user may see, narrowed by ``filters`` (a dict or QueryDict of NeedFilterSet fields)."""
    return need_filterset(user=user, data=filters).qs


def need_detail(*, user, pk) -> Need | None:
    """One need if the user may read it, else None (views answer 404)."""
    return (
        need_visible(user)
        .select_related(
            "enterprise",
            "group",
            "batch__city",
            "carried_into__city",
            "owner",
            "region",
            "industry",
            "lead",
            "merged_into",
            "created_by",
        )
        .filter(pk=pk)
        .first()
    )


def need_collaborators(*, need: Need) -> list[NeedCollaborator]:
    return list(need.collaborator_links.select_related("member").exclude(status=CollaboratorStatus.LEFT))


def need_timeline(*, need: Need) -> list[dict]:
    """Everything that happened to a need, oldest first: lead, transitions, edits, progress, outcomes."""
    items: list[dict] = []
    if need.lead_id:
        lead = need.lead
        items.append({"at": lead.created_at, "kind": "lead", "lead": lead})
    items.append({"at": need.created_at, "kind": "created", "actor": need.created_by})
    for step in NeedTransition.objects.filter(need=need).select_related("actor"):
        items.append({"at": step.at, "kind": "transition", "step": step})
    progress = (
        ProgressEntry.objects.filter(need=need)
        .select_related("member")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.filter(is_removed=False)))
    )
    for entry in progress:
        items.append({"at": entry.created_at, "kind": "progress", "entry": entry})
    for outcome in OutcomeRound.objects.filter(need=need):
        items.append({"at": outcome.created_at, "kind": "outcome", "outcome": outcome})
    skip = {"last_progress_at", "updated_at"}
    edits = AuditLog.objects.filter(
        model=Need._meta.label_lower, object_id=str(need.pk), action=AuditAction.UPDATE
    ).select_related("actor")
    labels = {f.name: str(f.verbose_name) for f in Need._meta.get_fields() if hasattr(f, "verbose_name")}
    for log in edits:
        changed = [name for name in log.changed_fields if name not in skip]
        if changed:
            fields = _("、").join(labels.get(name, name) for name in changed)
            items.append({"at": log.at, "kind": "edit", "actor": log.actor, "fields": fields})
    collab_logs = AuditLog.objects.filter(
        model=NeedCollaborator._meta.label_lower,
        object_id__in=[str(pk) for pk in need.collaborator_links.values_list("pk", flat=True)],
    ).select_related("actor")
    members = {m.pk: m for m in Member.objects.filter(pk__in=need.collaborator_links.values("member_id"))}
    status_labels = dict(CollaboratorStatus.choices)
    for log in collab_logs:
        after = log.after or {}
        member = members.get(after.get("member"))
        items.append(
            {
                "at": log.at,
                "kind": "collaborator",
                "actor": log.actor,
                "member": member,
                "status": status_labels.get(after.get("status"), after.get("status")),
            }
        )
    items.sort(key=lambda item: item["at"])
    return items


def need_attachments(*, need: Need) -> list[Attachment]:
    return list(
        Attachment.objects.filter(content_type=ContentType.objects.get_for_model(Need), object_id=need.pk)
        .filter(is_removed=False)
        .order_by("created_at")
    )


def outcome_totals(*, need: Need) -> dict:
    """Approved outcome increments summed (what counts), and how many rounds still wait for approval."""
    rounds = list(need.outcome_rounds.all())
    approved = [r for r in rounds if r.is_approved]
    fields = ("signed_amount_wan", "received_amount_wan", "investment_wan", "talents", "patents")
    totals = {name: sum((getattr(r, name) for r in approved), start=0) for name in fields}
    totals["pending"] = len(rounds) - len(approved)
    return totals


def merge_candidates(*, user, need: Need) -> list[Need]:
    """Needs the duplicate may be merged into: visible, same batch, not itself, not cancelled or merged.

    Probable duplicates (same enterprise, similar text) come first.
    """
    base = (
        need_visible(user)
        .filter(batch_id=need.batch_id)
        .exclude(pk=need.pk)
        .exclude(state__in=(NeedState.CANCELLED, NeedState.MERGED))
        .select_related("enterprise")
    )
    similar = [c["need"] for c in need_duplicates(user=user, enterprise=need.enterprise, title=need.title,
                                                  description=need.description, exclude=need)]  # fmt: skip
    same_enterprise = list(base.filter(enterprise_id=need.enterprise_id).order_by("-date", "-id")[:20])
    seen, result = set(), []
    for candidate in similar + same_enterprise:
        if (
            candidate.pk not in seen
            and candidate.batch_id == need.batch_id
            and candidate.state
            not in (
                NeedState.CANCELLED,
                NeedState.MERGED,
            )
        ):
            seen.add(candidate.pk)
            result.append(candidate)
    return result


def invite_candidates(*, need: Need) -> QuerySet[Member]:
    """Members of the need's batch who could be invited (not the owner, not already linked)."""
    linked = need.collaborator_links.filter(status__in=LINKED_STATUSES).values("member_id")
    return (
        Member.objects.filter(tenures__batch_id=need.batch_id)
        .exclude(pk=need.owner_id or 0)
        .exclude(pk__in=linked)
        .select_related(None)
        .order_by("tenures__group_id", "name")
    )


# ---------------------------------------------------------------- duplicates

_NON_WORD = re.compile(r"[\W_]+")
SIMILAR = 0.6  # SequenceMatcher ratio on normalised text above which two texts are called similar


def normalize_text(text: str) -> str:
    return _NON_WORD.sub("", fold_width(text or "").lower())


def similar(a: str, b: str, threshold: float = SIMILAR) -> bool:
    a, b = normalize_text(a)[:400], normalize_text(b)[:400]
    if not a or not b:
        return False
    if a in b or b in a:
        return min(len(a), len(b)) >= 4
    return SequenceMatcher(None, a, b, autojunk=False).ratio() >= threshold


def _reason(title: str, text: str, other_title: str, other_text: str) -> str | None:
    if title and other_title and similar(title, other_title):
        return _("同一企业，标题相近")
    if text and other_text and similar(text, other_text):
        return _("同一企业，描述相近")
    return None


def need_duplicates(*, user, enterprise, title: str, description: str = "", exclude=None) -> list[dict]:
    """Needs of the same enterprise with a similar title or description, that the user may see.

    Each item: ``{"need": Need, "reason": "同一企业，标题相近"}``; a warning the user can override.
    """
    if enterprise is None:
        return []
    candidates = need_visible(user).filter(enterprise=enterprise).exclude(state=NeedState.MERGED)
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude.pk)
    found = []
    for need in candidates.select_related("enterprise").order_by("-date", "-id")[:200]:
        reason = _reason(title, description, need.title, need.description)
        if reason:
            found.append({"need": need, "reason": reason})
    return found


def lead_duplicates(
    *, user, enterprise=None, enterprise_name: str = "", title: str = "", text: str = "", exclude=None
) -> list[dict]:
    """Leads and needs that look like the same request: same enterprise (or the same normalised
    enterprise name) and a similar title or text. Items: ``{"lead"|"need": …, "reason": …}``."""
    key = normalize_company_name(enterprise_name or (enterprise.name if enterprise else ""))
    same = Q(enterprise_key=key) if key else Q(pk__in=[])
    if enterprise is not None:
        same |= Q(enterprise=enterprise)
    leads = lead_visible(user).filter(same).exclude(status=LeadStatus.REJECTED)
    if exclude is not None:
        leads = leads.exclude(pk=exclude.pk)
    found = []
    for lead in leads.order_by("-created_at")[:200]:
        reason = _reason(title, text, lead.title, lead.raw_text)
        if reason:
            found.append({"lead": lead, "reason": reason})
    need_same = Q(enterprise__normalized_name=key) if key else Q(pk__in=[])
    if enterprise is not None:
        need_same |= Q(enterprise=enterprise)
    converted = exclude.needs.values("pk") if exclude is not None else []
    needs = need_visible(user).filter(need_same).exclude(state=NeedState.MERGED).exclude(pk__in=converted)
    for need in needs.select_related("enterprise").order_by("-date", "-id")[:200]:
        reason = _reason(title, text, need.title, need.description)
        if reason:
            found.append({"need": need, "reason": reason})
    return found


# ---------------------------------------------------------------- leads


def lead_filterset(*, user, data=None) -> LeadFilterSet:
    queryset = lead_visible(user).select_related("enterprise", "region").order_by("-created_at", "-id")
    return LeadFilterSet(data=data or None, queryset=queryset, user=user)


def lead_list(*, user, filters=None) -> QuerySet[Lead]:
    return lead_filterset(user=user, data=filters).qs


def lead_detail(*, user, pk) -> Lead | None:
    return (
        lead_visible(user)
        .select_related("enterprise", "region__parent", "visit__group", "visit__batch", "created_by")
        .filter(pk=pk)
        .first()
    )


# ---------------------------------------------------------------- to-dos for the home page


def _url(name: str, **params) -> str:
    url = reverse(name)
    return f"{url}?{urlencode(params)}" if params else url


def need_todos(*, user) -> list[dict]:
    """The user's to-do items for the home page: ``[{"label", "count", "url"}]``, only those with work waiting.

    Owners: needs in progress and needs with no progress for 30 days, invitations and requests
    to answer. Town staff: leads to handle, needs to verify. Administrators: leads, needs to review,
    completions to verify, outcome rounds to approve, stale needs. Each count is what the linked
    list page shows (the same FilterSet and scope).
    """
    if not getattr(user, "is_authenticated", False):
        return []
    key = f"need_todos:{user.pk}:{get_language()}:{clock.today()}"  # cached at the data's version
    return cached(key, lambda: _need_todos(user))


def _need_todos(user) -> list[dict]:
    items: list[tuple[str, int, str]] = []
    is_admin = has_role(user, Role.CITY_ADMIN)
    is_town = has_role(user, Role.TOWN_STAFF)
    is_member = has_role(user, Role.MEMBER, Role.GROUP_LEADER)

    def needs(label: str, **params) -> None:
        items.append((label, need_list(user=user, filters=params).count(), _url("needs:need_list", **params)))

    if is_member:
        needs(_("我负责的需求超过30天未更新"), mine="1", stale="1")
        needs(_("我负责的需求（对接中）"), mine="1", state=NeedState.CLAIMED)
        needs(_("待回复的协同邀请"), mine="invited")
        needs(_("待处理的协同申请"), mine="requests")
    for assignment in active_roles(user):
        if assignment.role == Role.GROUP_LEADER:
            group = assignment.group
            needs(_("%(group)s超过30天未更新的需求") % {"group": group.name}, stale="1", group=str(group.pk))
    if is_town or is_admin:
        leads = lead_list(user=user, filters={"status": LeadStatus.NEW}).count()
        items.append((_("待处理的需求线索"), leads, _url("needs:lead_list", status=LeadStatus.NEW)))
    if is_town:
        needs(_("待核实的需求"), state=NeedState.PENDING)
    if is_admin:
        needs(_("待审核发布的需求"), state=NeedState.VERIFIED)
        needs(_("待验收的办结"), state=NeedState.COMPLETION_SUBMITTED)
        needs(_("有待审核成效的需求"), outcome="pending")
        needs(_("超过30天未更新的需求"), stale="1")
    return [{"label": label, "count": count, "url": url} for label, count, url in items if count]


# ---------------------------------------------------------------- a need as it stood on a day


@dataclass(frozen=True)
class NeedOnDay:
    """A need as it stood at the end of ``day``: its state, its last update and the 30-day stale rule."""

    need: Need
    day: dt.date
    state: str
    last_update: dt.date  # the latest transition or progress entry by then (else the day it was collected)

    @property
    def state_label(self) -> str:
        return str(NeedState(self.state).label)

    @property
    def days_since_update(self) -> int:
        return (self.day - self.last_update).days

    @property
    def is_stale(self) -> bool:
        """The rule of ``Need.is_stale``, as of ``day``: claimed, and nothing for more than 30 days."""
        return self.state == NeedState.CLAIMED and self.days_since_update > STALE_AFTER.days


def needs_open_on(needs: QuerySet[Need], day: dt.date) -> list[NeedOnDay]:
    """The needs of ``needs`` collected by ``day`` and still open at its end, with their state then.

    The state is read from the transitions (the last one by then; before the first, its
    ``from_state``; with none, the need's state now), so a past month's ledger shows the past.
    """
    cutoff = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
    rows = list(
        needs.filter(date__lte=day).select_related("enterprise", "group", "owner", "lead").order_by("date", "pk")
    )
    ids = [n.pk for n in rows]
    steps: dict[int, list[NeedTransition]] = {}
    for step in NeedTransition.objects.filter(need_id__in=ids).only("need_id", "at", "from_state", "to_state"):
        steps.setdefault(step.need_id, []).append(step)
    progress = dict(
        ProgressEntry.objects.filter(need_id__in=ids, date__lte=day)
        .values("need_id")
        .annotate(last=Max("date"))
        .values_list("need_id", "last")
    )
    result = []
    for need in rows:
        done = [s for s in steps.get(need.pk, []) if s.at < cutoff]
        later = [s for s in steps.get(need.pk, []) if s.at >= cutoff]
        state = done[-1].to_state if done else (later[0].from_state if later else need.state)
        if state not in OPEN_STATES:
            continue
        updates = [need.date, *(timezone.localtime(s.at).date() for s in done)]
        if need.pk in progress:
            updates.append(progress[need.pk])
        result.append(NeedOnDay(need=need, day=day, state=state, last_update=max(updates)))
    return result


# ---------------------------------------------------------------- withdrawn (作废) needs and leads


def withdrawn_entries(*, cities) -> list:
    """The withdrawn needs and leads of ``cities``, for their administrators' page of withdrawn records."""
    from django.utils.translation import gettext as _

    from techmayor.accounts.scopes import regions_under
    from techmayor.core.registry import Withdrawn, safe_reverse

    regions = [pk for city in cities for pk in regions_under(city)]
    needs = Need.all_objects.withdrawn().filter(batch__city__in=cities).select_related("withdrawn_by")
    leads = (
        Lead.all_objects.withdrawn()
        .filter(Q(visit__batch__city__in=cities) | Q(region__in=regions))
        .select_related("withdrawn_by")
        .distinct()
    )
    entries = []
    for label, objects, name in ((_("企业需求"), needs, "need"), (_("需求线索"), leads, "lead")):
        for obj in objects.order_by("-withdrawn_at")[:200]:
            entries.append(
                Withdrawn(
                    label=label,
                    title=str(obj),
                    at=obj.withdrawn_at,
                    by=str(obj.withdrawn_by or "—"),
                    reason=obj.withdrawn_reason,
                    url=safe_reverse(f"needs:{name}_detail", obj.pk),
                    restore_url=safe_reverse(f"needs:{name}_restore", obj.pk),
                )
            )
    return entries

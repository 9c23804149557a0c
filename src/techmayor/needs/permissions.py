"""Who may do what in the need loop — the one place, checked on the server by every view.

An action is permitted when two answers are yes:

1. **the need's state allows it** — the transition table (``state_machine.TRANSITIONS``) for
   state changes, ``ACTION_STATES`` for the other actions (progress, collaboration, outcomes …);
2. **the user's role over this need allows it** — ``RULES`` below, one line per action.

Roles over a need (a person may hold several; any one that allows the action is enough):

==================  =====================================================================
city administrator  人才办/科技局 of the need's city: review and publish, return (with a reason),
                    verify when no town does, approve/return completions, cancel, merge,
                    approve outcome rounds, edit before claim, release a stuck claim
town staff          the need lies in their town: verify, return a need waiting for
                    verification, edit or resubmit it
member of the batch claim a published need (becoming its one owner), ask to collaborate
owner               release, progress, invite collaborators, answer requests, submit the
                    completion (solution and resources), add outcome rounds
collaborator        (active) progress; (invited) accept or decline; leave
credited member     the members who collected the need: resubmit or edit it when returned
group leader        reads the group's needs; acts like a member (claims, collaborates)
district staff,     read only
leaders (领导)
==================  =====================================================================

A need of a **closed batch** (its handover done) is read-only for everyone but its city's
administrators, whose corrections are audited like every write: the same rule as the ledger's
records (``roster.selectors.batch_read_only``), applied before the roles above — no claim,
transition, edit, progress, collaboration, outcome, policy link or match feedback. A need the
handover carried on (``Need.carried_into``) is worked on under the batch it was carried into instead
(``need_read_only``): that batch's members claim and join it, and its rules above apply.

Leads: town staff of the lead's town and administrators of its city turn a lead into a need,
or reject it with a reason; they also create leads and open the town's public intake link.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from techmayor.accounts.choices import Role
from techmayor.accounts.scopes import active_roles, admin_city_ids, regions_under
from techmayor.core.models import Region, RegionLevel
from techmayor.roster.models import Member, Tenure
from techmayor.roster.selectors import batch_read_only, closed_batch_message

from .choices import CollaboratorStatus, LeadSource, LeadStatus, NeedAction, NeedState
from .models import Lead, Need, NeedCollaborator
from .selectors import need_visible
from .state_machine import next_state

# Actions that are not state changes.
EDIT = "edit"
PROGRESS = "progress"
INVITE = "invite"
REQUEST_JOIN = "request_join"
RESPOND_REQUEST = "respond_request"
RESPOND_INVITE = "respond_invite"
LEAVE = "leave"
REMOVE_COLLABORATOR = "remove_collaborator"
OUTCOME_ADD = "outcome_add"
OUTCOME_APPROVE = "outcome_approve"

OWNED = (NeedState.CLAIMED, NeedState.COMPLETION_SUBMITTED)
ACTION_STATES: dict[str, tuple[str, ...]] = {
    EDIT: (NeedState.PENDING, NeedState.VERIFIED, NeedState.RETURNED, NeedState.PUBLISHED),
    PROGRESS: OWNED,
    INVITE: OWNED,
    REQUEST_JOIN: OWNED,
    RESPOND_REQUEST: OWNED,
    RESPOND_INVITE: OWNED,
    LEAVE: OWNED,
    REMOVE_COLLABORATOR: OWNED,
    OUTCOME_ADD: (NeedState.COMPLETED,),
    OUTCOME_APPROVE: (NeedState.COMPLETED,),
}
TRANSITION_ACTIONS = tuple(NeedAction.values)
ALL_ACTIONS = TRANSITION_ACTIONS + tuple(ACTION_STATES)

ACTION_LABELS = {
    **dict(NeedAction.choices),
    EDIT: _("修改"),
    PROGRESS: _("填报进展"),
    INVITE: _("邀请协同"),
    REQUEST_JOIN: _("申请协同"),
    RESPOND_REQUEST: _("处理协同申请"),
    RESPOND_INVITE: _("回复协同邀请"),
    LEAVE: _("退出协同"),
    REMOVE_COLLABORATOR: _("移除协同人"),
    OUTCOME_ADD: _("登记成效"),
    OUTCOME_APPROVE: _("审核成效"),
}

# Leads
LEAD_CONVERT = "convert"
LEAD_REJECT = "reject"


# ---------------------------------------------------------------- who the user is


@dataclass
class Actor:
    """What a user's roles say, computed once per request (cached on the user object)."""

    user: object
    superuser: bool = False
    admin_cities: frozenset[int] = frozenset()
    town_roots: frozenset[int] = frozenset()  # the towns assigned to town staff
    member_role: bool = False  # holds the member or group-leader role
    leader_groups: frozenset[int] = frozenset()
    _region_cache: dict = field(default_factory=dict)

    @cached_property
    def town_regions(self) -> frozenset[int]:
        ids: set[int] = set()
        for root in self.town_roots:
            ids.update(regions_under(Region(pk=root)))
        return frozenset(ids)

    @cached_property
    def member(self) -> Member | None:
        if not self.member_role:
            return None
        return Member.objects.filter(user=self.user).first()

    @cached_property
    def batches(self) -> frozenset[int]:
        if self.member is None:
            return frozenset()
        return frozenset(Tenure.objects.filter(member=self.member).values_list("batch_id", flat=True))

    def city_of(self, region_id: int | None) -> int | None:
        """The city a region lies in (walking up the tree, remembered)."""
        if region_id is None:
            return None
        if region_id not in self._region_cache:
            node = Region.objects.filter(pk=region_id).select_related("parent__parent__parent").first()
            city = None
            while node is not None:
                if node.level == RegionLevel.CITY:
                    city = node.pk
                    break
                node = node.parent
            self._region_cache[region_id] = city
        return self._region_cache[region_id]


def actor(user) -> Actor:
    cached = getattr(user, "_needs_actor", None)
    if cached is not None:
        return cached
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Actor(user=user)
    roles = active_roles(user)
    result = Actor(
        user=user,
        superuser=bool(user.is_superuser),
        admin_cities=admin_city_ids(user),
        town_roots=frozenset(a.region_id for a in roles if a.role == Role.TOWN_STAFF),
        member_role=any(a.role in (Role.MEMBER, Role.GROUP_LEADER) for a in roles),
        leader_groups=frozenset(a.group_id for a in roles if a.role == Role.GROUP_LEADER),
    )
    user._needs_actor = result
    return result


# ---------------------------------------------------------------- the user's roles over one need


class NeedContext:
    def __init__(self, user, need: Need):
        self.actor = actor(user)
        self.need = need

    @cached_property
    def visible(self) -> bool:
        """Nobody acts on a need they may not read (the selectors' scope is the first check)."""
        return need_visible(self.actor.user).filter(pk=self.need.pk).exists()

    @cached_property
    def read_only(self) -> bool:
        """The batch the need is worked under is closed and the user is not one of its city's
        administrators (``need_read_only``)."""
        return need_read_only(self.actor.user, self.need)

    @cached_property
    def admin(self) -> bool:
        return self.actor.superuser or self.need.batch.city_id in self.actor.admin_cities

    @cached_property
    def town(self) -> bool:
        return self.need.region_id is not None and self.need.region_id in self.actor.town_regions

    @cached_property
    def member(self) -> Member | None:
        return self.actor.member

    @cached_property
    def in_batch(self) -> bool:
        """The user serves in the batch the need is worked under: its own, or the one a handover carried
        it into (whoever left at the handover no longer claims, joins or resubmits it)."""
        return self.member is not None and self.need.working_batch_id in self.actor.batches

    @cached_property
    def owner(self) -> bool:
        return self.member is not None and self.need.owner_id == self.member.pk

    @cached_property
    def collaboration(self) -> str | None:
        if self.member is None:
            return None
        link = NeedCollaborator.objects.filter(need=self.need, member=self.member).only("status").first()
        return link.status if link else None

    @cached_property
    def credited(self) -> bool:
        return self.in_batch and self.need.members.filter(pk=self.member.pk).exists()


def need_read_only(user, need: Need) -> bool:
    """A need is read-only for ``user`` when the batch it is worked under is: its own batch, closed, or —
    for a need a handover carried on (``Need.carried_into``) — the batch it was carried into, so the next
    batch's members work on it while it stays credited where it was collected (decision 0021)."""
    return batch_read_only(user, need.working_batch)


def require_need_open(user, need: Need) -> None:
    """Refuse (403, with the reason) a write on a need that is read-only for ``user``."""
    if need_read_only(user, need):
        raise PermissionDenied(closed_batch_message(need.working_batch))


S = NeedState
A = NeedAction
RULES: dict[str, Callable[[NeedContext], bool]] = {
    A.VERIFY: lambda c: c.admin or c.town,
    A.RETURN: lambda c: c.admin or (c.town and c.need.state == S.PENDING),
    A.RESUBMIT: lambda c: c.admin or c.town or c.credited,
    A.PUBLISH: lambda c: c.admin,
    A.CLAIM: lambda c: c.in_batch,
    A.RELEASE: lambda c: c.admin or c.owner,
    A.SUBMIT_COMPLETION: lambda c: c.owner,
    A.APPROVE_COMPLETION: lambda c: c.admin,
    A.REJECT_COMPLETION: lambda c: c.admin,
    A.CANCEL: lambda c: c.admin,
    A.MERGE: lambda c: c.admin,
    EDIT: lambda c: (
        c.admin or (c.town and c.need.state in (S.PENDING, S.RETURNED)) or (c.credited and c.need.state == S.RETURNED)
    ),
    PROGRESS: lambda c: c.owner or c.collaboration == CollaboratorStatus.ACTIVE,
    INVITE: lambda c: c.owner,
    REQUEST_JOIN: lambda c: c.in_batch and not c.owner and c.collaboration in (None, CollaboratorStatus.LEFT),
    RESPOND_REQUEST: lambda c: c.owner,
    RESPOND_INVITE: lambda c: c.in_batch and c.collaboration == CollaboratorStatus.INVITED,
    LEAVE: lambda c: c.collaboration == CollaboratorStatus.ACTIVE,
    REMOVE_COLLABORATOR: lambda c: c.owner,
    OUTCOME_ADD: lambda c: c.owner,
    OUTCOME_APPROVE: lambda c: c.admin,
}
assert set(RULES) == set(ALL_ACTIONS), "every action needs a rule"


def state_allows(action: str, state: str) -> bool:
    if action in ACTION_STATES:
        return state in ACTION_STATES[action]
    return next_state(state, action) is not None


def need_can(user, action: str, need: Need, *, context: NeedContext | None = None) -> bool:
    """May ``user`` do ``action`` to ``need`` now? (State first: no queries for impossible actions.)"""
    if action not in RULES or not state_allows(action, need.state):
        return False
    context = context or NeedContext(user, need)
    return not context.read_only and bool(RULES[action](context)) and context.visible


def need_actions(user, need: Need) -> set[str]:
    """Every action ``user`` may do to ``need`` now (for the buttons; the views check again)."""
    context = NeedContext(user, need)
    return {action for action in ALL_ACTIONS if need_can(user, action, need, context=context)}


def require_need(user, action: str, need: Need) -> None:
    context = NeedContext(user, need)
    if not need_can(user, action, need, context=context):
        if context.read_only:
            raise PermissionDenied(closed_batch_message(need.working_batch))
        label = ACTION_LABELS.get(action, action)
        message = _("您没有权限对需求「%(title)s」执行「%(action)s」，或需求当前状态不允许")
        raise PermissionDenied(message % {"title": need.title, "action": label})


# ---------------------------------------------------------------- leads


def _lead_city(a: Actor, lead: Lead) -> int | None:
    if lead.visit_id:
        return lead.visit.batch.city_id
    return a.city_of(lead.region_id)


def lead_is_admin(user, lead: Lead) -> bool:
    a = actor(user)
    return a.superuser or (bool(a.admin_cities) and _lead_city(a, lead) in a.admin_cities)


def lead_is_town(user, lead: Lead) -> bool:
    a = actor(user)
    return lead.region_id is not None and lead.region_id in a.town_regions


def lead_can(user, action: str, lead: Lead) -> bool:
    """Convert or reject a lead: only while it is new, by its town's staff or its city's administrators."""
    if action not in (LEAD_CONVERT, LEAD_REJECT) or lead.status != LeadStatus.NEW:
        return False
    return lead_is_town(user, lead) or lead_is_admin(user, lead)


def lead_convert_targets(user, lead: Lead) -> list[str]:
    if lead_is_admin(user, lead):
        return [NeedState.PENDING, NeedState.VERIFIED, NeedState.PUBLISHED]
    if lead_is_town(user, lead):
        return [NeedState.PENDING, NeedState.VERIFIED]
    return []


def require_lead(user, action: str, lead: Lead) -> None:
    if not lead_can(user, action, lead):
        raise PermissionDenied(_("您没有权限处理线索 %(reference)s，或线索已处理") % {"reference": lead.reference})


# ---------------------------------------------------------------- withdrawal (作废)

# A need may be withdrawn by its town's staff or whoever entered it only before anyone claimed it.
EARLY = (NeedState.PENDING, NeedState.VERIFIED, NeedState.RETURNED, NeedState.PUBLISHED)


def need_can_withdraw(user, need: Need) -> bool:
    """作废 a need entered by mistake: its city's administrators at any time; its town's staff and
    whoever entered it while no one has claimed it. Not a need others were merged into."""
    if need.withdrawn_at is not None:
        return False
    context = NeedContext(user, need)
    if context.read_only or not context.visible:
        return False
    allowed = context.admin or (
        need.state in EARLY and (context.town or (need.created_by_id is not None and need.created_by_id == user.pk))
    )
    return allowed and not need.merged_duplicates.exists()


def need_can_restore(user, need: Need) -> bool:
    return need.withdrawn_at is not None and NeedContext(user, need).admin


def lead_can_withdraw(user, lead: Lead) -> bool:
    """作废 a lead: a member their own lead before it is verified (still new); its town's staff and its
    city's administrators any lead that did not become a need (a need is withdrawn on its own)."""
    if lead.withdrawn_at is None and not lead.needs.exists():
        if lead_is_town(user, lead) or lead_is_admin(user, lead):
            return True
        return lead.status == LeadStatus.NEW and lead.created_by_id is not None and lead.created_by_id == user.pk
    return False


def lead_can_restore(user, lead: Lead) -> bool:
    return lead.withdrawn_at is not None and lead_is_admin(user, lead)


def managed_towns(user) -> QuerySet[Region]:
    """Towns (and parks) where the user may create leads and open the public intake link."""
    a = actor(user)
    ids = set(a.town_roots)
    if a.superuser:
        return Region.objects.filter(level__in=(RegionLevel.TOWN, RegionLevel.PARK)).select_related("parent")
    for city_id in a.admin_cities:
        ids.update(regions_under(Region(pk=city_id)))
    return (
        Region.objects.filter(pk__in=ids, level__in=(RegionLevel.TOWN, RegionLevel.PARK))
        .select_related("parent")
        .order_by("parent__code", "parent__name", "code", "name")
    )


def can_create_lead(user) -> bool:
    a = actor(user)
    return a.superuser or bool(a.admin_cities) or bool(a.town_roots)


def lead_source_for(user, region: Region) -> str:
    """A lead entered by town staff of its town is 镇（街道）报送; otherwise 管理员录入."""
    return LeadSource.TOWN if region.pk in actor(user).town_regions else LeadSource.ADMIN


def can_manage_town(user, region: Region) -> bool:
    return managed_towns(user).filter(pk=region.pk).exists()


def need_can_link_policy(user, need: Need) -> bool:
    """哪项政策有帮助: who works on or answers for a need (its city's administrators, the staff of its town,
    its owner and active collaborators, the members credited with it, its group's leader) may link a
    policy to it or remove the link, while the need is open or completed (not cancelled or merged)."""
    if need.state in (NeedState.CANCELLED, NeedState.MERGED):
        return False
    c = NeedContext(user, need)
    if c.read_only:
        return False
    allowed = (
        c.admin
        or c.town
        or c.owner
        or c.collaboration == CollaboratorStatus.ACTIVE
        or c.credited
        or need.group_id in c.actor.leader_groups
    )
    return bool(allowed) and c.visible


def need_can_judge_matches(user, need: Need) -> bool:
    """Accept or decline the matches shown for a need: whoever may read it, unless its batch is closed
    (then its city's administrators only)."""
    context = NeedContext(user, need)
    return not context.read_only and context.visible

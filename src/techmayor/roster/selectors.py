"""Reads for the roster, and the rules of who may see and who may write what in the work ledger.

What each role may do in the web UI (and later the API). Reads of records always go through a
selector that applies :func:`techmayor.accounts.scopes.scope_q`; writes are checked here, on the
server, for every request (a hidden button is never the check: out-of-scope objects give 404,
forbidden actions 403).

=====================  ====================================================  =====================================
role (scope)           reads (lists, details, exports, figures)               writes ledger/cooperation records
=====================  ====================================================  =====================================
city admin (city)      everything of the city's batches; every enterprise     for any group of the city's active
                       in the city (and those without a region)               batch, credited to any of its members
leader (city)          as city admin                                          none (read-only)
province admin         as city admin, in every city of the province           as city admin, in every city
(province)             (decision 0020)
province leader        as leader, in every city of the province               none (read-only)
(province)
district staff         records of the groups serving the district and         none (read-only)
(district)             records about enterprises located in it; those
                       enterprises; the figures of those groups
town staff (town)      enterprises located in the town and the records        none (read-only)
                       about them; figures of the group serving the district
group leader (group)   the group's records, records about enterprises in      for their group (any members of the
                       the group's district, their own records; those         batch may be credited); may edit every
                       enterprises and the ones the group worked with;        record of their group
                       the group's and its members' figures
member (own records)   records credited to them; enterprises of their         for their own group, always credited
                       group's district and those they worked with; the      to themselves plus fellow members of
                       figures of their group and of its members (but a      the batch; may edit the records they
                       drill-down lists only the records they may read)      are credited on
=====================  ====================================================  =====================================

One person may hold several roles: what they may see and do is the union. A superuser may do
everything. Enterprise names and credit codes are public registry data: whoever may write
records may *pick* any enterprise of the city in the enterprise picker (a member visits a
company across the district border), but its page, contacts and timeline follow the read scope.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import get_language, gettext

from techmayor.accounts.choices import Role
from techmayor.accounts.scopes import (
    NOTHING,
    PROVINCE_ROLES,
    Paths,
    active_roles,
    admin_city_ids,
    administers,
    has_role,
    scope_q,
    single_valued,
)
from techmayor.core import clock
from techmayor.core.cache import cached
from techmayor.core.models import Region, RegionLevel
from techmayor.core.registry import registry

from .models import Batch, Group, Member, Tenure

WRITE_ADMIN = "admin"
WRITE_LEADER = "leader"
WRITE_MEMBER = "member"


def scoped(queryset: QuerySet, user, paths: Paths | None = None, q: Q | None = None) -> QuerySet:
    """``queryset`` restricted to the records ``user`` may read, without duplicate rows.

    The scope filter may join many-to-many tables (members, enterprises); it is then applied in a
    sub-query on primary keys so the outer query can be counted, ordered and paginated as it is. A scope
    that follows only foreign keys (readers of whole cities: ``batch_id IN (…)``) filters the rows
    directly, so that the database reads the first rows of a page by an index instead of every row in
    scope (docs/decisions/0028-the-province-at-scale.md).
    """
    condition = q if q is not None else scope_q(user, paths)
    if not condition:  # Q() — everything (superuser)
        return queryset
    if q is None and single_valued(user, paths):
        return queryset.filter(condition)
    inner = queryset.model._default_manager.filter(condition).values("pk")
    return queryset.filter(pk__in=inner)


# --- who the user is in the program ----------------------------------------------------------


def member_of(user) -> Member | None:
    """The roster member linked to the login account, if any (cached on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_tm_member"):
        user._tm_member = Member.objects.filter(user=user).first()
    return user._tm_member


def tenures_of(user) -> list[Tenure]:
    """The member's tenures, newest batch first (cached on the user object)."""
    member = member_of(user)
    if member is None:
        return []
    if not hasattr(user, "_tm_tenures"):
        user._tm_tenures = list(
            Tenure.objects.filter(member=member)
            .select_related("batch__city", "group__district", "dispatch_unit", "local_region")
            .order_by("-batch__start_date")
        )
    return user._tm_tenures


def active_tenure(user) -> Tenure | None:
    """The member's tenure in an active batch, if they serve in one now."""
    return next((t for t in tenures_of(user) if t.batch.is_active), None)


def current_batch(user) -> Batch | None:
    """The batch the user works in now: their tenure's, else the active batch of their role's city."""
    tenure = active_tenure(user)
    if tenure is not None:
        return tenure.batch
    for assignment in active_roles(user):
        if assignment.group_id and assignment.group.batch.is_active:
            return assignment.group.batch
        if assignment.region_id:
            city = assignment.region.ancestor(RegionLevel.CITY)
            if city is not None:
                batch = Batch.objects.filter(city=city, is_active=True).select_related("city").first()
                if batch is not None:
                    return batch
            elif assignment.role in PROVINCE_ROLES:
                # A province role starts in the first city (by code) with an active batch; ?batch= switches.
                batch = (
                    Batch.objects.filter(city__parent=assignment.region, is_active=True)
                    .select_related("city")
                    .order_by("city__code", "city__name")
                    .first()
                )
                if batch is not None:
                    return batch
    if getattr(user, "is_superuser", False):
        return Batch.objects.filter(is_active=True).select_related("city").order_by("id").first()
    return None


def reference_day(batch: Batch, day: dt.date | None = None) -> dt.date:
    """``day`` (default today), never after today, clamped into the batch's term.

    The default date of new records and "this month": a batch that ended gives its end date, one
    not started yet its start date, and a pinned installation (``core.clock``) its pinned day.
    """
    day = min(day or clock.today(), clock.today())
    return min(max(day, batch.start_date), batch.end_date)


# --- writes ------------------------------------------------------------------------------------


def batch_read_only(user, batch: Batch) -> bool:
    """Whether ``batch`` is read-only for ``user``: once a batch is closed (its handover done,
    decision 0021), its records — ledger and cooperation records, enterprise links, needs and
    everything hanging on them — take only its city's administrators' corrections (and the
    province's, 0020; superusers), each audited like every write. The one rule every write
    check of a batch's records asks (``write_context``, ``needs.permissions``)."""
    return batch.closed_at is not None and not administers(user, batch.city_id)


def closed_batch_message(batch: Batch) -> str:
    return gettext("该批次（%(batch)s）已结束，记录只读：只有该市管理员可以更正") % {"batch": batch}


def require_open_batch(user, batch: Batch) -> None:
    """Refuse (403, with the reason) a write in a batch that is read-only for ``user``."""
    if batch_read_only(user, batch):
        raise PermissionDenied(closed_batch_message(batch))


@dataclass
class WriteContext:
    """What the user may credit a new record to, in one batch."""

    batch: Batch
    groups: list[Group]  # the groups the user may write for
    capacity: dict[int, str] = field(default_factory=dict)  # group id → admin / leader / member
    member: Member | None = None  # the user's own member, when they serve in the batch

    def must_include_self(self, group: Group) -> bool:
        """A plain member's records are always credited to themselves."""
        return self.capacity.get(group.pk) == WRITE_MEMBER


def write_context(user, batch: Batch | None = None) -> WriteContext | None:
    """The groups ``user`` may log records for in ``batch`` (their current batch by default), or None."""
    batch = batch or current_batch(user)
    if batch is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if batch_read_only(user, batch):
        return None
    capacity: dict[int, str] = {}
    groups: dict[int, Group] = {}
    all_groups = None
    if administers(user, batch.city_id):
        all_groups = list(Group.objects.filter(batch=batch).select_related("district").order_by("id"))
        for g in all_groups:
            groups[g.pk], capacity[g.pk] = g, WRITE_ADMIN
    for a in active_roles(user):
        if a.role == Role.GROUP_LEADER and a.group.batch_id == batch.pk and a.group_id not in capacity:
            groups[a.group_id], capacity[a.group_id] = a.group, WRITE_LEADER
    tenure = next((t for t in tenures_of(user) if t.batch_id == batch.pk), None)
    if tenure is not None and has_role(user, Role.MEMBER, Role.GROUP_LEADER) and tenure.group_id not in capacity:
        groups[tenure.group_id], capacity[tenure.group_id] = tenure.group, WRITE_MEMBER
    if not groups:
        return None
    ordered = sorted(groups.values(), key=lambda g: (g.pk != getattr(tenure, "group_id", None), g.pk))
    return WriteContext(
        batch=batch, groups=ordered, capacity=capacity, member=tenure.member if tenure is not None else None
    )


# --- late entries (补录) into a past batch ------------------------------------------------------


def late_entry_batches(user) -> list[Batch]:
    """The past (closed) batches ``user`` may enter records into late: those of the cities they
    administer, as the city's or the province's administrator (superusers: every city), no longer
    active and already begun, newest first. The same people as may correct a closed batch
    (:func:`batch_read_only`)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    closed = Batch.objects.filter(is_active=False, start_date__lte=clock.today()).select_related("city")
    if not user.is_superuser:
        closed = closed.filter(city_id__in=admin_city_ids(user))
    return list(closed.order_by("city_id", "-start_date"))


def can_enter_late(user, batch: Batch) -> bool:
    return any(b.pk == batch.pk for b in late_entry_batches(user))


def entry_context(user, batch_id: str | None) -> tuple[WriteContext | None, Batch | None]:
    """The write context of a new record: the user's current batch, or with ``batch_id`` (``?batch=``) a
    past batch a city administrator enters late (returned as the second value, ``None`` otherwise).

    Raises ``Http404`` for an unknown batch and ``PermissionDenied`` for a past batch the user may not
    enter into (only the administrators of its city may)."""
    from django.http import Http404
    from django.utils.translation import gettext

    if not batch_id:
        return write_context(user), None
    try:
        pk = int(batch_id)
    except ValueError:
        pk = 0
    batch = Batch.objects.select_related("city").filter(pk=pk).first() if 0 < pk < 2**63 else None
    if batch is None:
        raise Http404(gettext("批次不存在"))
    current = current_batch(user)
    if current is not None and current.pk == batch.pk:
        return write_context(user), None
    if not can_enter_late(user, batch):
        raise PermissionDenied(gettext("只有该市的市级管理员可以向往届批次补录记录"))
    return write_context(user, batch), batch


def can_write(user) -> bool:
    return write_context(user) is not None


def can_edit_record(user, record) -> bool:
    """Whether ``user`` may change a credited record (it must also be in their read scope)."""
    ctx = write_context(user, record.batch)
    if ctx is None or record.group_id not in ctx.capacity:
        return False
    if ctx.capacity[record.group_id] == WRITE_MEMBER:
        return ctx.member is not None and record.members.filter(pk=ctx.member.pk).exists()
    return True


def can_withdraw_record(user, record, *, entered=None) -> bool:
    """作废 a credited record (or ``entered``, a part of it such as an agreement's receipt): whoever
    entered it, while they may still change the record, or an administrator of its scope (the city's
    administrators, the group's leader). A withdrawn record is not withdrawn again."""
    entered = entered if entered is not None else record
    if getattr(entered, "withdrawn_at", None) is not None or getattr(record, "withdrawn_at", None) is not None:
        return False
    ctx = write_context(user, record.batch)
    if ctx is None or record.group_id not in ctx.capacity:
        return False
    if ctx.capacity[record.group_id] in (WRITE_ADMIN, WRITE_LEADER):
        return True
    return entered.created_by_id == user.pk and can_edit_record(user, record)


def can_restore_record(user, record, *, entered=None) -> bool:
    """Restore a withdrawn record (or ``entered``, a withdrawn part of it): the administrators of its
    batch's city (and superusers)."""
    entered = entered if entered is not None else record
    if getattr(entered, "withdrawn_at", None) is None or not getattr(user, "is_authenticated", False):
        return False
    return administers(user, record.batch.city_id)


def batch_members(batch: Batch) -> QuerySet[Member]:
    """Everyone serving in ``batch`` (who may be credited with its records)."""
    return Member.objects.filter(tenures__batch=batch).distinct().order_by("tenures__group_id", "id")


# --- reads of the roster -----------------------------------------------------------------------


def _regions_up(region: Region) -> list[int]:
    ids, node = [], region
    while node is not None:
        ids.append(node.pk)
        node = node.parent
    return ids


def visible_groups_q(user) -> Q:
    """Groups whose page and figures ``user`` may read."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return Q()
    q = NOTHING
    for a in active_roles(user):
        if a.role in PROVINCE_ROLES:
            q |= Q(batch__city__parent=a.region)
        elif a.role in (Role.CITY_ADMIN, Role.LEADER):
            q |= Q(batch__city=a.region)
        elif a.role == Role.DISTRICT_STAFF:
            q |= Q(district=a.region)
        elif a.role == Role.TOWN_STAFF:
            q |= Q(district__in=_regions_up(a.region))
        elif a.role == Role.GROUP_LEADER:
            q |= Q(pk=a.group_id)
    if has_role(user, Role.MEMBER, Role.GROUP_LEADER):
        ids = [t.group_id for t in tenures_of(user)]
        if ids:
            q |= Q(pk__in=ids)
    return q


def group_list(*, user, batch: Batch | None = None) -> QuerySet[Group]:
    qs = Group.objects.filter(visible_groups_q(user)).select_related("batch__city", "district")
    if batch is not None:
        qs = qs.filter(batch=batch)
    return qs.order_by("-batch__start_date", "id")


def group_get(*, user, pk: int) -> Group | None:
    return group_list(user=user).filter(pk=pk).first()


def visible_member_ids(*, user, ids) -> set[int]:
    """Of ``ids``, the members whose page ``user`` may read: whoever may read one of the groups
    they served in, and they themselves."""
    own = Q(user_id=user.pk) if user.pk is not None else NOTHING
    served = Q(tenures__group__in=Group.objects.filter(visible_groups_q(user)))
    return set(Member.objects.filter(pk__in=ids).filter(own | served).values_list("pk", flat=True))


def member_get(*, user, pk: int) -> Member | None:
    member = Member.objects.filter(pk=pk).first()
    return member if member is not None and visible_member_ids(user=user, ids=[pk]) else None


def group_tenures(group: Group) -> QuerySet[Tenure]:
    return (
        Tenure.objects.filter(group=group)
        .select_related("member", "dispatch_unit", "local_region")
        .order_by("role", "id")  # 副团长, 团员, 团长 sorted below by ROLE_ORDER
    )


def recent_records(*, user, member=None, group=None, limit: int = 15) -> list[dict]:
    """The latest records (of every kind) credited to ``member`` or of ``group`` that ``user`` may read
    (cached per reader at the data's version: ``core.cache``)."""
    key = f"recent:{user.pk}:{getattr(member, 'pk', '')}:{getattr(group, 'pk', '')}:{limit}:{get_language()}"
    items = cached(key, lambda: _recent_records(user=user, member=member, group=group, limit=limit))
    return [{**item, "kind": registry.get(item["kind"])} for item in items]


def _recent_records(*, user, member, group, limit: int) -> list[dict]:
    items = []
    for kind in registry.kinds():
        qs = kind.queryset(user=user)
        if member is not None:
            qs = qs.filter(pk__in=kind.model.objects.filter(members=member).values("pk"))
        if group is not None:
            qs = qs.filter(group=group)
        for obj in qs[:5]:
            items.append(
                {
                    "date": obj.date,
                    "pk": obj.pk,
                    "kind": kind.key,
                    "title": kind.row(obj)["title"],
                    "url": kind.detail_url(obj),
                    "group": obj.group.name if getattr(obj, "group", None) else "",
                }
            )
    items.sort(key=lambda i: (i["date"], i["pk"]), reverse=True)
    return items[:limit]

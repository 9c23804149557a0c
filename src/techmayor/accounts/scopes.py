"""Data scopes: which records a user may see, as one ``Q`` over all of the user's roles.

Each listable model describes how it reaches the things a scope is anchored to (:class:`Paths`);
:func:`scope_q` turns the user's active role assignments into a filter. Every list, detail,
export and API query goes through a selector that applies it; hiding a button is never the check.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from techmayor.core.models import Region

from .choices import Role


@dataclass(frozen=True)
class Paths:
    """Lookups from a model to the anchors of scopes (None where the model has no such link)."""

    city: str | None = None  # to the city Region, e.g. "batch__city"
    region: str | None = None  # to the Region the record lies in (town/park/district), e.g. "enterprise__region"
    group: str | None = None  # to the Group, e.g. "group"
    member: str | None = None  # to the Member(s) credited, e.g. "members"
    shared: Q | None = None  # records every member may see (e.g. published needs, the resource pool)


NOTHING = Q(pk__in=[])
EVERYTHING = Q()


def regions_under(region: Region) -> list[int]:
    """The ids of ``region`` and every region below it."""
    ids, frontier = [region.pk], [region.pk]
    while frontier:
        frontier = list(Region.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids.extend(frontier)
    return ids


def active_roles(user):
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_active_roles", None)
    if cached is None:
        cached = list(user.roles.filter(is_active=True).select_related("region", "group"))
        user._active_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(getattr(user, "is_superuser", False)) or any(r.role in roles for r in active_roles(user))


def scope_q(user, paths: Paths) -> Q:
    """The records of a model that ``user`` may see."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return EVERYTHING
    q = NOTHING
    for assignment in active_roles(user):
        q |= _role_q(assignment, user, paths)
    return q


def _role_q(assignment, user, paths: Paths) -> Q:
    role = assignment.role
    if role in (Role.CITY_ADMIN, Role.LEADER):
        if paths.city:
            return Q(**{paths.city: assignment.region})
        if paths.region:
            return Q(**{f"{paths.region}__in": regions_under(assignment.region)})
        return NOTHING
    if role in (Role.DISTRICT_STAFF, Role.TOWN_STAFF):
        q = NOTHING
        if paths.region:
            q |= Q(**{f"{paths.region}__in": regions_under(assignment.region)})
        if role == Role.DISTRICT_STAFF and paths.group:
            q |= Q(**{f"{paths.group}__district": assignment.region})
        return q
    if role == Role.GROUP_LEADER:
        q = NOTHING
        if paths.group:
            q |= Q(**{paths.group: assignment.group})
        if paths.region:
            q |= Q(**{f"{paths.region}__in": regions_under(assignment.group.district)})
        return q | _member_q(user, paths)
    if role == Role.MEMBER:
        return _member_q(user, paths)
    return NOTHING


def _member_q(user, paths: Paths) -> Q:
    q = NOTHING
    if paths.member:
        q |= Q(**{f"{paths.member}__user": user})
    if paths.shared is not None:
        q |= paths.shared
    return q

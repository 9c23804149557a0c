"""Data scopes: which records a user may see, as one ``Q`` over all of the user's roles.

Each listable model describes how it reaches the things a scope is anchored to (:class:`Paths`);
:func:`scope_q` turns the user's active role assignments into a filter. Every list, detail,
export and API query goes through a selector that applies it; hiding a button is never the check.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db.models import Q

from techmayor.core.models import Region, RegionLevel

from .choices import Role


@dataclass(frozen=True)
class Paths:
    """Lookups from a model to the anchors of scopes (None where the model has no such link)."""

    city: str | None = None  # to the city Region through the batch, e.g. "batch__city"
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


# A province role holds the city role of the same kind in every city of its province.
IMPLIED = {Role.PROVINCE_ADMIN: Role.CITY_ADMIN, Role.PROVINCE_LEADER: Role.LEADER}
PROVINCE_ROLES = tuple(IMPLIED)


def has_role(user, *roles: str) -> bool:
    """Whether ``user`` holds one of ``roles`` anywhere (a province role counts as its city role)."""
    return bool(getattr(user, "is_superuser", False)) or any(
        r.role in roles or IMPLIED.get(r.role) in roles for r in active_roles(user)
    )


def _cities_of_province(province_id: int) -> list[int]:
    return list(Region.objects.filter(parent_id=province_id, level=RegionLevel.CITY).values_list("pk", flat=True))


def _city_ids(user, attr: str, city_role: str, province_role: str) -> frozenset[int]:
    cached = getattr(user, attr, None)
    if cached is not None:
        return cached
    ids: set[int] = set()
    for a in active_roles(user):
        if a.role == city_role and a.region_id:
            ids.add(a.region_id)
        elif a.role == province_role and a.region_id:
            ids.update(_cities_of_province(a.region_id))
    result = frozenset(ids)
    if getattr(user, "is_authenticated", False):
        setattr(user, attr, result)
    return result


def admin_city_ids(user) -> frozenset[int]:
    """The cities ``user`` administers: as city administrator, or every city of their province as
    province administrator (superusers: use :func:`administers`)."""
    return _city_ids(user, "_tm_admin_cities", Role.CITY_ADMIN, Role.PROVINCE_ADMIN)


def whole_city_ids(user) -> frozenset[int]:
    """The cities ``user`` reads in full (administrators and leaders, of the city or its province)."""
    return admin_city_ids(user) | _city_ids(user, "_tm_leader_cities", Role.LEADER, Role.PROVINCE_LEADER)


def administers(user, city_id: int | None) -> bool:
    """Whether ``user`` is an administrator of the city ``city_id`` (superusers of every city)."""
    if getattr(user, "is_superuser", False):
        return True
    return city_id is not None and city_id in admin_city_ids(user)


def reads_whole_city(user, city_id: int | None) -> bool:
    """Whether ``user`` reads everything of the city ``city_id`` (its or its province's administrators
    and leaders; superusers)."""
    if getattr(user, "is_superuser", False):
        return True
    return city_id is not None and city_id in whole_city_ids(user)


def regions_within_q(region_id: int) -> Q:
    """Regions that are ``region_id`` or lie below it (the tree is at most five deep), without a query."""
    q = Q(pk=region_id)
    for depth in range(1, 5):
        q |= Q(**{"__".join(["parent"] * depth): region_id})
    return q


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


WHOLE_CITY_ROLES = (Role.CITY_ADMIN, Role.LEADER, *PROVINCE_ROLES)


def single_valued(user, paths: Paths) -> bool:
    """Whether ``scope_q(user, paths)`` follows only foreign keys (no record can match twice), so that it
    may filter a list directly instead of through a sub-query of primary keys: superusers, and readers of
    whole cities on a model reached through its batch."""
    if getattr(user, "is_superuser", False):
        return True
    roles = active_roles(user)
    return bool(roles) and bool(paths.city) and all(a.role in WHOLE_CITY_ROLES for a in roles)


def _in_batches_of(city_path: str, cities: Q) -> Q:
    """Records whose batch lies in ``cities`` (a condition on the batch's city), as a condition on the
    record's own batch column (``batch_id IN (SELECT id FROM batch WHERE …)``): no join of every record to
    its batch and city, and an index on the batch column serves it."""
    batch_path = city_path.removesuffix("__city")
    if batch_path == city_path:
        raise ValueError(f"Paths.city must reach the city through a batch (…__city), not {city_path!r}")
    batches = apps.get_model("roster", "Batch").objects.filter(cities).values("pk")
    return Q(**{f"{batch_path}__in": batches})


def _role_q(assignment, user, paths: Paths) -> Q:
    role = assignment.role
    if role in PROVINCE_ROLES:
        province = assignment.region_id
        if paths.city:
            return _in_batches_of(paths.city, Q(city__parent=province))
        if paths.region:
            inside = Region.objects.filter(regions_within_q(province)).values("pk")
            return Q(**{f"{paths.region}__in": inside})
        return NOTHING
    if role in (Role.CITY_ADMIN, Role.LEADER):
        if paths.city:
            return _in_batches_of(paths.city, Q(city=assignment.region_id))
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

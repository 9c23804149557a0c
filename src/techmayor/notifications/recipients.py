"""Who is told: the people whose roles give them the work an event creates (``accounts`` roles and
their scopes, the same ones ``needs.permissions`` checks before the work can be done)."""

from __future__ import annotations

from django.db.models import QuerySet

from techmayor.accounts.choices import Role
from techmayor.accounts.models import User
from techmayor.core.models import Region, RegionLevel


def _ancestors(region: Region | None) -> list[Region]:
    """``region`` and the regions above it, nearest first."""
    chain = []
    node = region
    while node is not None:
        chain.append(node)
        node = node.parent
    return chain


def _with_role(role: str, **scope) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True, roles__role=role, roles__is_active=True, **{f"roles__{k}": v for k, v in scope.items()}
    ).distinct()


def city_admins(city_id: int | None) -> QuerySet[User]:
    """The administrators (人才办/科技局) of a city."""
    if city_id is None:
        return User.objects.none()
    return _with_role(Role.CITY_ADMIN, region_id=city_id)


def town_staff(region: Region | None) -> QuerySet[User]:
    """Town staff whose town holds ``region`` (the town itself, or a park under it)."""
    ids = [r.pk for r in _ancestors(region) if r.level in (RegionLevel.TOWN, RegionLevel.PARK)]
    if not ids:
        return User.objects.none()
    return _with_role(Role.TOWN_STAFF, region_id__in=ids)


def city_of(region: Region | None) -> int | None:
    city = next((r for r in _ancestors(region) if r.level == RegionLevel.CITY), None)
    return city.pk if city else None


def verifiers(region: Region | None, city_id: int | None) -> list[User]:
    """Who verifies a lead or a need found in ``region``: its town's staff, else (no town staff
    there) the city's administrators, who verify "when no town does" (``needs.permissions``)."""
    staff = list(town_staff(region))
    return staff or list(city_admins(city_id if city_id is not None else city_of(region)))


def user_of(member) -> User | None:
    """The login account of a member of the program (None when they have none)."""
    if member is None or member.user_id is None:
        return None
    return member.user

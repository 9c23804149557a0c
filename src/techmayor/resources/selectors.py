"""Reads for resources and who may change them: 科创平台 (platforms).

Platforms are a shared directory like universities (their names are public): everyone with a role
reads them; whoever may log records (members, group leaders, city administrators) adds one when
the platform they introduced is missing; it is changed by the administrators of the city where it
lies (or of any city when it has no place yet) and by the person who added it.
"""

from __future__ import annotations

from django.db.models import QuerySet

from techmayor.accounts.choices import Role
from techmayor.accounts.scopes import active_roles, regions_under
from techmayor.core.models import Region, RegionLevel
from techmayor.roster.selectors import write_context

from .models import Platform


def can_read_platforms(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_superuser or active_roles(user))


def platform_list(*, user) -> QuerySet[Platform]:
    if not can_read_platforms(user):
        return Platform.objects.none()
    return Platform.objects.select_related("university", "region__parent").order_by("-id")


def platform_get(*, user, pk: int) -> Platform | None:
    return platform_list(user=user).filter(pk=pk).first()


def _admin_cities(user) -> list[int]:
    return [a.region_id for a in active_roles(user) if a.role == Role.CITY_ADMIN and a.region_id]


def can_create_platform(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_superuser or _admin_cities(user) or write_context(user) is not None)


def can_edit_platform(user, platform: Platform) -> bool:
    if not can_create_platform(user):
        return False
    if user.is_superuser or (platform.created_by_id == user.pk and write_context(user) is not None):
        return True
    cities = _admin_cities(user)
    if not cities:
        return False
    if platform.region_id is None:
        return True
    city = platform.region.ancestor(RegionLevel.CITY)
    return city is not None and city.pk in cities


def platform_regions(user) -> QuerySet[Region]:
    """Where ``user`` may place a platform: the districts, towns and parks of their city (admin or batch)."""
    regions = Region.objects.filter(level__in=[RegionLevel.DISTRICT, RegionLevel.TOWN, RegionLevel.PARK])
    if getattr(user, "is_superuser", False):
        return regions
    ids: set[int] = set()
    for city in Region.objects.filter(pk__in=_admin_cities(user)):
        ids.update(regions_under(city))
    ctx = write_context(user)
    if ctx is not None:
        ids.update(regions_under(ctx.batch.city))
    return regions.filter(pk__in=ids)

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils.translation import gettext

from .models import ApiToken, User
from .scopes import admin_city_ids, regions_under


def demo_accounts() -> list[dict]:
    """The demo accounts with their roles, for the login page in demo mode."""
    users = User.objects.filter(is_demo=True, is_active=True).prefetch_related("roles").order_by("id")
    return [
        {
            "username": user.username,
            "name": str(user),
            "roles": gettext("、").join(sorted({a.get_role_display() for a in user.roles.all() if a.is_active})),
        }
        for user in users
    ]


def audit_cities(user) -> list:
    """The cities whose audit trail ``user`` may read: those they administer (superusers: every one)."""
    from techmayor.core.models import Region, RegionLevel

    if getattr(user, "is_superuser", False):
        return list(Region.objects.filter(level=RegionLevel.CITY))
    return list(Region.objects.filter(pk__in=admin_city_ids(user)).order_by("code", "name"))


def audit_list(*, user, filters) -> QuerySet:
    """The audit trail of the people working in the cities ``user`` administers (anyone with a role in
    the city, or serving in one of its batches), newest first, filtered by ``filters`` (a QueryDict):
    ``who`` (username or name contains), ``kind`` (object type or page contains), ``action``,
    ``start`` / ``end`` (dates, inclusive)."""
    from techmayor.core.models import AuditLog

    logs = AuditLog.objects.select_related("actor").order_by("-at", "-id")
    if not getattr(user, "is_superuser", False):
        cities = audit_cities(user)
        if not cities:
            return logs.none()
        regions = [pk for city in cities for pk in regions_under(city)]
        people = User.objects.filter(
            Q(roles__region__in=regions)
            | Q(roles__group__batch__city__in=cities)
            | Q(member__tenures__batch__city__in=cities)
        )
        logs = logs.filter(actor__in=people.values("pk"))
    if who := (filters.get("who") or "").strip():
        logs = logs.filter(Q(actor__username__icontains=who) | Q(actor__display_name__icontains=who))
    if kind := (filters.get("kind") or "").strip():
        logs = logs.filter(model__icontains=kind)
    if action := filters.get("action"):
        logs = logs.filter(action=action)
    for name, lookup in (("start", "at__date__gte"), ("end", "at__date__lte")):
        try:
            day = dt.date.fromisoformat(filters.get(name) or "")
        except ValueError:
            continue
        logs = logs.filter(**{lookup: day})
    return logs


def api_token_list(*, user):
    """The user's own API tokens, newest first (other people's are never listed)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")

"""Reads for enterprises: the data scope, lists, the picker's search (name, pinyin initials, credit code).

Who may read an enterprise (see ``roster.selectors`` for the whole table):

- city admin / leader: every enterprise located in their city, and those without a region;
- district / town staff: enterprises located in their district / town;
- group leader: enterprises in the group's district, and those the group worked with;
- member: enterprises in the district of a group they serve(d) in, and those they worked with.

"Worked with" means credited on a visit, a link (挂钩服务), a need, an intent, an agreement, an
event, or another ledger record naming the enterprise.
"""

from __future__ import annotations

import re
from functools import lru_cache

from django.apps import apps
from django.db.models import Prefetch, Q, QuerySet

from techmayor.accounts.choices import Role
from techmayor.accounts.scopes import NOTHING, PROVINCE_ROLES, Paths, active_roles, has_role, regions_under, scope_q
from techmayor.roster.selectors import current_batch, scoped, tenures_of, write_context

from .models import Enterprise, EnterpriseLink, EnterpriseTag

ENTERPRISE_PATHS = Paths(region="region")
LINK_PATHS = Paths(city="batch__city", region="enterprise__region", group="group", member="members")

# Records that tie an enterprise to the groups and members who worked with it: (model, path to the enterprise).
WORK_RECORDS = [
    ("ledger.Visit", "enterprise"),
    ("ledger.Event", "enterprises"),
    ("ledger.TalentIntroduction", "enterprise"),
    ("ledger.ProjectBrokered", "enterprise"),
    ("ledger.EnterpriseLanding", "enterprise"),
    ("ledger.EmploymentBase", "enterprise"),
    ("ledger.ApplicationSupported", "enterprise"),
    ("ledger.EnterpriseCultivation", "enterprise"),
    ("cooperation.Intent", "enterprise"),
    ("cooperation.Agreement", "enterprise"),
    ("needs.Need", "enterprise"),
    ("enterprises.EnterpriseLink", "enterprise"),
]


def _worked_with(condition: Q) -> Q:
    q = NOTHING
    for label, path in WORK_RECORDS:
        model = apps.get_model(label)
        q |= Q(pk__in=model.objects.filter(condition).exclude(**{f"{path}__isnull": True}).values(path))
    return q


def enterprise_scope_q(user) -> Q:
    """The enterprises ``user`` may read."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return Q()
    q = scope_q(user, ENTERPRISE_PATHS)  # city, district, town and group-leader (district) scopes by region
    for a in active_roles(user):
        if a.role in (Role.CITY_ADMIN, Role.LEADER, *PROVINCE_ROLES):
            q |= Q(region__isnull=True)
        elif a.role == Role.GROUP_LEADER:
            q |= _worked_with(Q(group=a.group_id))
    if has_role(user, Role.MEMBER, Role.GROUP_LEADER):
        districts = {t.group.district_id: t.group.district for t in tenures_of(user)}
        for district in districts.values():
            q |= Q(region__in=regions_under(district))
        if tenures_of(user):
            q |= _worked_with(Q(members__user=user))
    return q


def pickable_scope_q(user) -> Q:
    """The enterprises ``user`` may attach work to: the read scope, and for writers every enterprise of the city."""
    q = enterprise_scope_q(user)
    if q == Q():
        return q
    ctx = write_context(user)
    if ctx is not None:
        q |= Q(region__in=regions_under(ctx.batch.city)) | Q(region__isnull=True)
    return q


def enterprise_list(*, user) -> QuerySet[Enterprise]:
    qs = Enterprise.objects.select_related("region__parent", "industry").prefetch_related(
        Prefetch("tags", queryset=EnterpriseTag.objects.order_by("kind"))
    )
    return scoped(qs, user, q=enterprise_scope_q(user)).order_by("-id")


def enterprise_get(*, user, pk: int) -> Enterprise | None:
    return enterprise_list(user=user).filter(pk=pk).first()


def enterprise_pickable(*, user) -> QuerySet[Enterprise]:
    return scoped(Enterprise.objects.select_related("region"), user, q=pickable_scope_q(user))


def enterprise_link_list(*, user) -> QuerySet[EnterpriseLink]:
    qs = EnterpriseLink.objects.select_related("group", "batch__city", "enterprise__region").prefetch_related("members")
    return scoped(qs, user, LINK_PATHS).order_by("-date", "-id")


# --- search: name, credit code, pinyin initials -----------------------------------------------

_LETTERS = re.compile(r"^[a-z]{2,}$")
_CODE = re.compile(r"^[0-9A-Z]{4,18}$")


_PLACE_SUFFIX = re.compile(r"[省市区县]")


@lru_cache(maxsize=200_000)
def initials(name: str) -> str:
    """Pinyin initials of a name: 常州恒远精密机械有限公司 → czhyjmjxyxgs (letters and digits kept as they are).

    When the name starts with a place (溧阳市华东机电…), the initials without 省/市/区/县 follow after a
    space, so "lyhd" finds it as well as "lyshd".
    """
    from pypinyin import Style, lazy_pinyin  # its dictionaries take a second to load: only when used

    full = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default")).lower()
    short_name = _PLACE_SUFFIX.sub("", name[:7]) + name[7:]
    if short_name == name:
        return full
    short = "".join(lazy_pinyin(short_name, style=Style.FIRST_LETTER, errors="default")).lower()
    return f"{full} {short}"


def initials_match(queryset: QuerySet, text: str, *, field: str = "name", limit: int | None = None) -> list[int]:
    """Primary keys of the rows of ``queryset`` whose ``field``'s pinyin initials contain ``text``.

    Initials are computed in Python once per distinct name and kept in a bounded in-process
    cache (a speed-up only; nothing depends on it), so a search over ~10k names costs one query
    for the names and a pass over cached strings.
    """
    text = text.lower()
    found = []
    for pk, name in queryset.values_list("pk", field).iterator(chunk_size=5000):
        if text in initials(name):
            found.append(pk)
            if limit and len(found) >= limit:
                break
    return found


INITIALS_CAP = 5000  # a two-letter search can match most names; beyond this, type more letters


def search_condition(queryset: QuerySet, text: str) -> Q:
    """The filter for the enterprise search box: name contains, credit code prefix, or pinyin initials.

    Pinyin matches are capped at :data:`INITIALS_CAP` enterprises so the query stays a bounded ``IN``.
    """
    text = (text or "").strip()
    if not text:
        return Q()
    q = Q(name__icontains=text) | Q(normalized_name__icontains=text.lower())
    upper = text.upper()
    if _CODE.match(upper) and any(ch.isdigit() for ch in upper):
        q |= Q(credit_code__startswith=upper)
    if _LETTERS.match(text.lower()):
        q |= Q(pk__in=initials_match(queryset, text, limit=INITIALS_CAP))
    return q


def enterprise_search(*, user, text: str, limit: int = 15) -> list[Enterprise]:
    """Enterprises ``user`` may pick, matching ``text``; names starting with it first."""
    text = (text or "").strip()
    if not text:
        return []
    base = enterprise_pickable(user=user)
    results = list(base.filter(search_condition(base, text)).order_by("name")[: limit * 4])
    low = text.lower()

    def rank(e: Enterprise):
        code = (e.credit_code or "").lower()
        return (
            not e.name.lower().startswith(low) and not code.startswith(low),
            low not in e.name.lower() and low not in initials(e.name),
            len(e.name),
        )

    return sorted(results, key=rank)[:limit]


def enterprise_region_choices(user):
    """Towns, streets and parks grouped by district, for the new-enterprise form (the user's district first)."""
    from techmayor.core.models import Region, RegionLevel

    batch = current_batch(user)
    if batch is None:
        return []
    districts = list(Region.objects.filter(parent=batch.city, level=RegionLevel.DISTRICT).order_by("code", "name"))
    own = {t.group.district_id for t in tenures_of(user)}
    districts.sort(key=lambda d: d.pk not in own)
    children: dict[int, list] = {}
    for region in Region.objects.filter(parent__in=districts).order_by("level", "code", "name"):
        children.setdefault(region.parent_id, []).append(region)
    return [(d, children.get(d.pk, [])) for d in districts]


def assignable_regions(user) -> QuerySet:
    """The districts, towns and parks ``user`` may place an enterprise in: those of their role's region
    (a town's staff their town), and for writers of records every one of their batch's city (members
    visit companies across the district border, as they may pick them)."""
    from techmayor.core.models import Region, RegionLevel

    regions = Region.objects.filter(level__in=[RegionLevel.DISTRICT, RegionLevel.TOWN, RegionLevel.PARK])
    if getattr(user, "is_superuser", False):
        return regions
    ids: set[int] = set()
    for a in active_roles(user):
        if a.role in (Role.CITY_ADMIN, Role.PROVINCE_ADMIN, Role.DISTRICT_STAFF, Role.TOWN_STAFF) and a.region_id:
            ids.update(regions_under(a.region))
    ctx = write_context(user)
    if ctx is not None:
        ids.update(regions_under(ctx.batch.city))
    return regions.filter(pk__in=ids)


def can_create_enterprise(user) -> bool:
    """Writers of records (members, group leaders, city admins) and town staff may add enterprises."""
    return (
        bool(getattr(user, "is_superuser", False)) or write_context(user) is not None or has_role(user, Role.TOWN_STAFF)
    )


def can_edit_enterprise(user, enterprise: Enterprise) -> bool:
    """The same people may change the profile, contacts and tags of an enterprise they may read."""
    return can_create_enterprise(user) and enterprise_list(user=user).filter(pk=enterprise.pk).exists()


def can_review_duplicates(user) -> bool:
    """City administrators (and superusers) are shown an enterprise's probable duplicates on its page."""
    return bool(getattr(user, "is_superuser", False)) or has_role(user, Role.CITY_ADMIN)

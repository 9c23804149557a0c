"""Who may read and keep the expert library.

* **Read**: everyone with an active role (the resource pool is shared, as the pool search is);
  the needs and feedback shown on an expert's page are only those of needs the reader may see.
* **Write** (add, edit, import, merge): a city's administrators any expert and result; a member
  (or 团长) serving in an active batch the experts of their own dispatching unit — the unit's
  university, or, for a unit without one (an institute, a ministry), experts with no university
  whose organisation is the unit's name — and those experts' results.
"""

from __future__ import annotations

from techmayor.accounts.choices import Role
from techmayor.accounts.scopes import active_roles, has_role
from techmayor.roster.selectors import tenures_of


def can_view(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active) and (
        user.is_superuser or bool(active_roles(user))
    )


def is_library_admin(user) -> bool:
    return has_role(user, Role.CITY_ADMIN)


def home_units(user) -> list:
    """The dispatching units the user serves from in an active batch."""
    if not has_role(user, Role.MEMBER, Role.GROUP_LEADER):
        return []
    units = []
    for tenure in tenures_of(user):
        if tenure.batch.is_active and tenure.dispatch_unit_id and tenure.dispatch_unit not in units:
            units.append(tenure.dispatch_unit)
    return units


def home_university_ids(user) -> set[int]:
    return {u.university_id for u in home_units(user) if u.university_id}


def home_organizations(user) -> set[str]:
    return {u.name for u in home_units(user) if not u.university_id}


def can_add_expert(user) -> bool:
    return is_library_admin(user) or bool(home_units(user))


def can_edit_expert(user, expert) -> bool:
    if expert.merged_into_id:
        return False
    if is_library_admin(user):
        return True
    if expert.university_id:
        return expert.university_id in home_university_ids(user)
    return bool(expert.organization) and expert.organization in home_organizations(user)


def can_edit_achievement(user, achievement) -> bool:
    if is_library_admin(user):
        return True
    if achievement.university_id and achievement.university_id in home_university_ids(user):
        return True
    return any(can_edit_expert(user, e) for e in achievement.experts.all())


def can_merge(user, keep, other) -> bool:
    return keep.pk != other.pk and can_edit_expert(user, keep) and can_edit_expert(user, other)

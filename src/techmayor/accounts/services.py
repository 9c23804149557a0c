"""Writes for accounts: users and their role assignments, audited like every other write."""

from __future__ import annotations

from django.db import transaction

from techmayor.core.services import create_record, update_record

from .models import RoleAssignment, User

# The password of every demo account; shown on the login page only in demo mode.
DEMO_PASSWORD = "demo-2021"


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    display_name: str = "",
    must_change_password: bool = True,
    is_demo: bool = False,
    by=None,
) -> User:
    user = create_record(
        User,
        by=by,
        username=username,
        display_name=display_name,
        must_change_password=must_change_password,
        is_demo=is_demo,
        password="!",
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save(update_fields=["password"])
    return user


def role_grant(*, user: User, role: str, region=None, group=None, by=None) -> RoleAssignment:
    existing = RoleAssignment.objects.filter(user=user, role=role, region=region, group=group).first()
    if existing:
        return existing if existing.is_active else update_record(existing, by=by, is_active=True)
    return create_record(RoleAssignment, by=by, user=user, role=role, region=region, group=group)


def role_revoke(*, assignment: RoleAssignment, by=None) -> RoleAssignment:
    return update_record(assignment, by=by, is_active=False)


def user_password_changed(*, user: User) -> None:
    if user.must_change_password:
        update_record(user, by=user, must_change_password=False, audit_note="首次登录修改密码")


def user_password_change_required(*, user: User, reason: str) -> None:
    """Send ``user`` to the password form at their next page until they set a new password."""
    if not user.must_change_password:
        update_record(user, by=user, must_change_password=True, audit_note=reason)

"""Writes for accounts: users and their role assignments, audited like every other write."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from techmayor.core import audit
from techmayor.core.errors import ApplicationError
from techmayor.core.models import AuditAction
from techmayor.core.services import create_record, update_record

from .models import ApiToken, RoleAssignment, User

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
    password_hash: str | None = None,
    by=None,
) -> User:
    """``password_hash``: an already hashed password (``make_password``), used instead of ``password``."""
    user = create_record(
        User,
        by=by,
        username=username,
        display_name=display_name,
        must_change_password=must_change_password,
        is_demo=is_demo,
        password="!",
    )
    if password_hash:
        user.password = password_hash
    elif password:
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


def user_language_set(*, user: User, language: str, by=None) -> User:
    """The language ``user``'s e-mails are written in (one of ``LANGUAGES``; empty: the installation's)."""
    from django.conf import settings
    from django.utils.translation import gettext

    if language and language not in dict(settings.LANGUAGES):
        raise ApplicationError(gettext("不支持的语言「%(language)s」") % {"language": language}, field="language")
    if language != user.language:
        user = update_record(user, by=by, language=language)
    return user


# --- personal API tokens ---------------------------------------------------------------------

TOKEN_PREFIX = "tm_"
TOKEN_DAYS_DEFAULT = 90
TOKEN_DAYS_MAX = 365


def token_digest(token: str) -> str:
    """What is stored of a token: its SHA-256 (a token is 256 random bits, so no salt or slow hash is needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str, expires_days: int = TOKEN_DAYS_DEFAULT, by=None) -> tuple[ApiToken, str]:
    """A new token for ``user``: the record and the token itself, which is never stored nor shown again."""
    name = (name or "").strip()
    if not name:
        raise ApplicationError("请填写令牌名称（如用途）", field="name")
    if len(name) > 60:
        raise ApplicationError("令牌名称不能超过60个字", field="name")
    if not isinstance(expires_days, int) or not 1 <= expires_days <= TOKEN_DAYS_MAX:
        raise ApplicationError(f"有效天数须为1至{TOKEN_DAYS_MAX}天", field="expires_days")
    if not user.is_active:
        raise ApplicationError(f"用户「{user.username}」已停用，不能创建令牌", field="user")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken(
        user=user,
        name=name,
        key_hash=token_digest(token),
        prefix=token[:10],
        expires_at=timezone.now() + dt.timedelta(days=expires_days),
    )
    record.full_clean()
    record.save()
    audit.record(
        action=AuditAction.CREATE,
        instance=record,
        actor=by,
        after={"user": user.pk, "name": name, "prefix": record.prefix, "expires_at": record.expires_at.isoformat()},
        note="创建 API 令牌",
    )
    return record, token


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by=None) -> ApiToken:
    """Revoke ``token`` (it stops working at once); revoking it again changes nothing."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(
        action=AuditAction.UPDATE,
        instance=token,
        actor=by,
        before={"revoked_at": None},
        after={"revoked_at": token.revoked_at.isoformat()},
        note="撤销 API 令牌",
    )
    return token


def api_token_authenticate(token: str) -> ApiToken | None:
    """The usable token record for ``token`` (not revoked, not expired, its user active), or None.
    Its ``last_used_at`` moves on at most once a minute, so that a busy client does not write on every request."""
    if not token:
        return None
    record = ApiToken.objects.select_related("user").filter(key_hash=token_digest(token)).first()
    now = timezone.now()
    if record is None or not record.is_usable(now) or not record.user.is_active:
        return None
    if record.last_used_at is None or now - record.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
        record.last_used_at = now
    return record

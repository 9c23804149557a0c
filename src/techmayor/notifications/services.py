"""Writes for reminders: emitting one (once per event and person), reading, preferences, unsubscribing.

``notify`` is what the apps call where something happens (``needs.notices``, the job receiver).
A message for a person who wants e-mail at once is handed to the job queue when the transaction
commits (``tasks.notification_email_task``); digests and retries are periodic jobs.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext

from techmayor.core.errors import ApplicationError
from techmayor.core.services import create_record, update_record

from .choices import DEFAULT_DELIVERY, Delivery, NotificationKind
from .models import Notification, NotificationPreference

UNSUBSCRIBE_SALT = "techmayor.notifications.unsubscribe"


def delivery_for(user, kind: str) -> str:
    pref = NotificationPreference.objects.filter(user=user, kind=kind).values_list("delivery", flat=True).first()
    return pref or DEFAULT_DELIVERY[kind]


def notify(
    *,
    recipients: Iterable,
    kind: str,
    key: str,
    message: str,
    params: dict | None = None,
    url: str = "",
    exclude=None,
) -> list[Notification]:
    """Tell each of ``recipients`` (users; None and inactive ones are skipped, and ``exclude``, the
    person who caused the event) about the event ``key``, once: a person already told of it is not
    told again. ``message`` is the Chinese source text (marked with ``gettext_noop`` where it is
    written), formatted with ``params`` in the reader's language. Returns the messages created."""
    if kind not in NotificationKind.values:
        raise ApplicationError(gettext("未知的消息类别「%(kind)s」") % {"kind": kind}, field="kind")
    users = {u.pk: u for u in recipients if u is not None and getattr(u, "is_active", False)}
    users.pop(getattr(exclude, "pk", None), None)
    if not users:
        return []
    prefs = dict(NotificationPreference.objects.filter(user_id__in=users, kind=kind).values_list("user_id", "delivery"))
    created = []
    for user_id in sorted(users):
        try:
            with transaction.atomic():
                note, made = Notification.objects.get_or_create(
                    recipient_id=user_id,
                    key=key[:120],
                    defaults={
                        "kind": kind,
                        "message": message[:300],
                        "params": params or {},
                        "url": url[:300],
                        "delivery": prefs.get(user_id, DEFAULT_DELIVERY[kind]),
                    },
                )
        except IntegrityError:  # told meanwhile by a concurrent writer
            continue
        if made:
            created.append(note)
    now_ids = [n.pk for n in created if n.delivery == Delivery.EMAIL]
    if now_ids:
        from .tasks import notification_email_task

        transaction.on_commit(lambda: notification_email_task(now_ids))
    return created


def work_done(*, keys: Iterable[str] = (), prefixes: Iterable[str] = ()) -> None:
    """The work these events asked for was handled (by anyone): when the transaction commits, their
    messages count as read everywhere and are not e-mailed any more. ``keys`` name events exactly;
    a prefix ends with ``:`` (``need:12:verified:``) so that it never names another record's events."""
    keys, prefixes = list(keys), list(prefixes)
    if any(not p.endswith(":") for p in prefixes):
        raise ValueError("a prefix of event keys must end with ':'")

    def mark():
        from django.db.models import Q

        which = Q(key__in=keys)
        for prefix in prefixes:
            which |= Q(key__startswith=prefix)
        now = timezone.now()
        Notification.objects.filter(which, done_at__isnull=True).update(done_at=now, read_at=Coalesce("read_at", now))

    if keys or prefixes:
        transaction.on_commit(mark)


# ---------------------------------------------------------------- the inbox


def notification_mark_read(*, user, notification: Notification) -> Notification:
    if notification.recipient_id != user.pk:
        raise ApplicationError(gettext("只能处理发给自己的消息"), field="recipient")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user) -> int:
    """Mark every unread message of ``user`` read; returns how many."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


# ---------------------------------------------------------------- preferences


@transaction.atomic
def preference_set(*, user, kind: str, delivery: str, by=None) -> NotificationPreference:
    """Choose how ``kind`` reaches ``user``. Messages not yet e-mailed follow the new choice: none is
    e-mailed after the person chose the inbox only."""
    if kind not in NotificationKind.values:
        raise ApplicationError(gettext("未知的消息类别「%(kind)s」") % {"kind": kind}, field="kind")
    if delivery not in Delivery.values:
        raise ApplicationError(gettext("未知的送达方式「%(delivery)s」") % {"delivery": delivery}, field="delivery")
    pref = NotificationPreference.objects.select_for_update().filter(user=user, kind=kind).first()
    if pref is None:
        pref = create_record(NotificationPreference, by=by, user=user, kind=kind, delivery=delivery)
    elif pref.delivery != delivery:
        pref = update_record(pref, by=by, delivery=delivery)
    Notification.objects.filter(recipient=user, kind=kind, emailed_at__isnull=True).exclude(delivery=delivery).update(
        delivery=delivery
    )
    return pref


def preferences_of(user) -> dict[str, str]:
    """Every kind with how it reaches ``user`` (their choice, else the default)."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind: chosen.get(kind, DEFAULT_DELIVERY[kind]) for kind in NotificationKind.values}


@transaction.atomic
def email_address_set(*, user, email: str, by=None):
    """The address reminders are sent to (the account's e-mail)."""
    email = (email or "").strip()
    if email != user.email:
        user = update_record(user, by=by, email=email)
    return user


# ---------------------------------------------------------------- unsubscribing without logging in


def unsubscribe_token(user, kinds: Iterable[str]) -> str:
    """A signed token that sets ``kinds`` of ``user`` to the inbox only (no expiry: an old e-mail's
    link still works; it can do nothing else)."""
    return signing.dumps({"u": user.pk, "k": sorted(set(kinds))}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_read(token: str) -> tuple[int, list[str]]:
    """The user id and kinds a token names; ApplicationError when it was not made by us."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        user_id, kinds = int(data["u"]), [str(k) for k in data["k"]]
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise ApplicationError(gettext("退订链接无效或不完整，请登录后在“消息设置”中修改"), field="token") from exc
    if not kinds or any(k not in NotificationKind.values for k in kinds):
        raise ApplicationError(gettext("退订链接无效或不完整，请登录后在“消息设置”中修改"), field="token")
    return user_id, kinds


@transaction.atomic
def unsubscribe(*, token: str):
    """Set the kinds a token names to the inbox only; returns the user and the kinds."""
    from techmayor.accounts.models import User

    user_id, kinds = unsubscribe_read(token)
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise ApplicationError(gettext("退订链接对应的账号已不存在或已停用"), field="token")
    for kind in kinds:
        preference_set(user=user, kind=kind, delivery=Delivery.INBOX, by=user)
    return user, kinds

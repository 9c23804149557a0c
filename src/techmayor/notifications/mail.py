"""E-mail for reminders: one message at once, or the day's digest, each with an unsubscribe link.

Sent through Django's mail API to the SMTP server of the settings (``EMAIL_URL``). A message is
claimed before it is sent (``emailed_at`` set where it was empty, in one UPDATE), so two workers
never send the same one; a failure gives the claim back with the error, and the periodic retry job
tries again up to ``MAX_ATTEMPTS`` times.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .choices import Delivery, NotificationKind
from .models import Notification
from .services import unsubscribe_token

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


def absolute(url: str) -> str:
    """A link that works from a mail client: ``SITE_URL`` in front of a path of the site."""
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.SITE_URL.rstrip("/") + "/" + url.lstrip("/")


def address_of(user) -> str:
    """Where a person's reminders go: the account's e-mail, else the one in their member record."""
    if user.email:
        return user.email
    try:
        return user.member.email or ""
    except ObjectDoesNotExist:  # no member record
        return ""


def language_of(user) -> str:
    """The language a person's e-mails are written in: theirs (the settings page, or the language they
    last switched to), else the installation's."""
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


def _claim(ids: Iterable[int]) -> list[Notification]:
    """Take the messages not yet e-mailed (and not given up) for sending; each is taken by one worker."""
    stamp = timezone.now()
    with transaction.atomic():
        taken = Notification.objects.filter(
            pk__in=list(ids), emailed_at__isnull=True, done_at__isnull=True, email_attempts__lt=MAX_ATTEMPTS
        ).exclude(delivery=Delivery.INBOX)
        ids = list(taken.values_list("pk", flat=True))
        Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).update(
            emailed_at=stamp, email_attempts=F("email_attempts") + 1
        )
    return list(
        Notification.objects.filter(pk__in=ids, emailed_at=stamp).select_related("recipient").order_by("created_at")
    )


def _release(notes: list[Notification], error: str) -> None:
    Notification.objects.filter(pk__in=[n.pk for n in notes]).update(emailed_at=None, email_error=error[:300])


def _message(user, subject: str, template: str, context: dict, kinds: list[str]) -> EmailMultiAlternatives | None:
    to = address_of(user)
    if not to:
        return None
    unsubscribe = absolute(reverse("notifications:unsubscribe", args=[unsubscribe_token(user, kinds)]))
    context = {
        **context,
        "user": user,
        "unsubscribe_url": unsubscribe,
        "preferences_url": absolute(reverse("notifications:preferences")),
        "inbox_url": absolute(reverse("notifications:inbox")),
        "kinds": [NotificationKind(k).label for k in kinds],
    }
    body = render_to_string(f"notifications/{template}.txt", context)
    html = render_to_string(f"notifications/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={
            # One-click unsubscribe (RFC 8058): mail clients POST to the link, which needs no login.
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def _send(notes: list[Notification], build) -> int:
    """Send the e-mail ``build()`` makes for ``notes`` (claimed); 1 when sent, 0 otherwise."""
    try:
        with translation.override(language_of(notes[0].recipient)):
            message = build()
        if message is None:  # nowhere to send: the inbox has it, and no retry would help
            Notification.objects.filter(pk__in=[n.pk for n in notes]).update(
                emailed_at=None, email_attempts=MAX_ATTEMPTS, email_error="没有邮箱地址"
            )
            return 0
        message.connection = get_connection(fail_silently=False)
        message.send()
    except Exception as exc:
        log.exception("sending notification e-mail %s failed", [n.pk for n in notes])
        _release(notes, f"{type(exc).__name__}: {exc}")
        return 0
    return 1


def send_now(ids: Iterable[int]) -> int:
    """E-mail each of these messages on its own (those for people who chose e-mail at once)."""
    sent = 0
    for note in _claim(ids):
        if note.delivery != Delivery.EMAIL:
            _release([note], "")
            continue

        def build(note=note):
            return _message(
                note.recipient,
                _("【科技镇长团】%(text)s") % {"text": note.text},
                "email",
                {"note": note, "url": absolute(note.url)},
                [note.kind],
            )

        sent += _send([note], build)
    return sent


def send_digests() -> int:
    """One e-mail per person with the messages of the kinds they chose as a daily digest."""
    waiting = Notification.objects.filter(
        delivery=Delivery.DIGEST, emailed_at__isnull=True, done_at__isnull=True, email_attempts__lt=MAX_ATTEMPTS
    )
    sent = 0
    for user_id in sorted(set(waiting.values_list("recipient_id", flat=True))):
        notes = _claim(waiting.filter(recipient_id=user_id).values_list("pk", flat=True))
        notes = [n for n in notes if n.delivery == Delivery.DIGEST]
        if not notes:
            continue

        def build(notes=notes):
            items = [{"note": n, "url": absolute(n.url)} for n in notes]
            kinds = sorted({n.kind for n in notes})
            subject = _("【科技镇长团】今日提醒：%(count)s 条") % {"count": len(notes)}
            return _message(notes[0].recipient, subject, "digest", {"items": items}, kinds)

        sent += _send(notes, build)
    return sent


def send_retries(older_than_minutes: int = 5) -> int:
    """Messages to e-mail at once that are still unsent (a failed try, a lost queue entry)."""
    cutoff = timezone.now() - dt.timedelta(minutes=older_than_minutes)
    ids = Notification.objects.filter(
        delivery=Delivery.EMAIL,
        emailed_at__isnull=True,
        done_at__isnull=True,
        email_attempts__lt=MAX_ATTEMPTS,
        created_at__lt=cutoff,
    ).values_list("pk", flat=True)
    return send_now(list(ids))

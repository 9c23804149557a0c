"""Every create form is submitted once: the form carries a one-time key (``{% submission_key %}``)
and its view is wrapped in :func:`once`. A second POST with the same key creates nothing and leads
to what the first one made (docs/decisions/0012-data-integrity.md).

The keys live in the database (``core.Submission``), so they hold across web workers and restarts;
they are kept for a day. A post whose form came back with errors frees its key, so the corrected
form (which carries the same key) goes through.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import secrets
import time

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Submission

FIELD = "submission_key"
KEEP = dt.timedelta(days=1)
WAIT_SECONDS = 5.0  # how long a repeat waits for the first post to finish
_VALID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def new_key() -> str:
    return secrets.token_urlsafe(24)


def key_for(request) -> str:
    """The key a form carries: the one it was posted with (re-rendered with errors), else a new one."""
    key = request.POST.get(FIELD, "") if request.method == "POST" else ""
    return key if _VALID.match(key) else new_key()


def _user(request):
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


def _repeat(request, key: str):
    """A key already used: wait for the first post's result, then lead there."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        first = Submission.objects.filter(key=key, user=_user(request)).first()
        if first is not None and first.result_url:
            messages.info(request, _("该表单已经提交过，没有重复登记"))
            return redirect(first.result_url)
        if first is None or time.monotonic() > deadline:
            messages.warning(request, _("该表单正在提交或已提交，请勿重复提交；请刷新后查看结果"))
            return redirect(request.path)
        time.sleep(0.1)


def once(view):
    """Wrap a create view: its POST runs once per form key; a repeat redirects to the first result."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        key = request.POST.get(FIELD, "") if request.method == "POST" else ""
        if not _VALID.match(key):
            return view(request, *args, **kwargs)
        Submission.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
        try:
            with transaction.atomic():
                Submission.objects.create(key=key, user=_user(request))
        except IntegrityError:
            return _repeat(request, key)
        try:
            response = view(request, *args, **kwargs)
        except BaseException:
            Submission.objects.filter(key=key).delete()
            raise
        if response.status_code in (301, 302, 303):
            Submission.objects.filter(key=key).update(result_url=response["Location"][:500])
        else:
            Submission.objects.filter(key=key).delete()
        return response

    return wrapper

"""Pages of reminders: the inbox, marking read, the preferences, and unsubscribing from an e-mail
(the one page that needs no login: the signed token in the link is the permission)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from techmayor.accounts.services import user_language_set
from techmayor.core.errors import ApplicationError
from techmayor.core.lists import PAGE_SIZES, paginate

from . import mail, selectors, services
from .choices import NotificationKind
from .forms import PreferencesForm


@login_required
@require_GET
def inbox(request):
    unread_only = request.GET.get("show") == "unread"
    page = paginate(request, selectors.inbox(user=request.user, unread_only=unread_only))
    context = {"page": page, "unread_only": unread_only, "page_sizes": PAGE_SIZES}
    return render(request, "notifications/inbox.html", context)


@login_required
@require_GET
def notification_open(request, pk):
    """Open a message: it is marked read and the page it points to is shown."""
    note = selectors.notification_of(user=request.user, pk=pk)
    if note is None:
        raise Http404(_("消息不存在"))
    services.notification_mark_read(user=request.user, notification=note)
    if note.url and url_has_allowed_host_and_scheme(note.url, allowed_hosts={request.get_host()}):
        return redirect(note.url)
    return redirect("notifications:inbox")


def _back(request):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:inbox")


@login_required
@require_POST
def notification_read(request, pk):
    note = selectors.notification_of(user=request.user, pk=pk)
    if note is None:
        raise Http404(_("消息不存在"))
    services.notification_mark_read(user=request.user, notification=note)
    return _back(request)


@login_required
@require_POST
def notifications_read_all(request):
    count = services.notifications_mark_all_read(user=request.user)
    messages.success(request, _("已将 %(count)s 条消息标为已读") % {"count": count})
    return _back(request)


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    user = request.user
    current = services.preferences_of(user)
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            try:
                services.email_address_set(user=user, email=form.cleaned_data["email"], by=user)
                user_language_set(user=user, language=form.cleaned_data["language"], by=user)
                for kind in NotificationKind.values:
                    services.preference_set(user=user, kind=kind, delivery=form.cleaned_data[kind], by=user)
            except ApplicationError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("消息设置已保存"))
                return redirect("notifications:preferences")
    else:
        initial = {"email": mail.address_of(user), "language": mail.language_of(user), **current}
        form = PreferencesForm(initial=initial)
    return render(request, "notifications/preferences.html", {"form": form, "address": mail.address_of(user)})


@csrf_exempt  # one-click unsubscribe (RFC 8058) posts from the mail client; the signed token is the permission
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET shows what the link will do and a button; POST does it (mail clients' link checkers only GET)."""
    try:
        _user_id, kinds = services.unsubscribe_read(token)
    except ApplicationError as exc:
        return render(request, "notifications/unsubscribe.html", {"error": exc.message}, status=400)
    labels = [NotificationKind(k).label for k in kinds]
    if request.method == "POST":
        try:
            services.unsubscribe(token=token)
        except ApplicationError as exc:
            return render(request, "notifications/unsubscribe.html", {"error": exc.message}, status=400)
        return render(request, "notifications/unsubscribe.html", {"done": True, "labels": labels})
    return render(request, "notifications/unsubscribe.html", {"labels": labels, "token": token})

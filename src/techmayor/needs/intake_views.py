"""The public intake page of a town: no login, a consent checkbox, a honeypot and a per-address rate limit."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited

from techmayor.core.errors import ApplicationError
from techmayor.core.submissions import once

from .forms import IntakeForm
from .models import IntakeChannel
from .services import lead_submit_public

RATE_GROUP = "needs.intake"
SIGNING_SALT = "needs.intake.reference"


def _rate() -> str:
    return getattr(settings, "INTAKE_RATE_LIMIT", "5/h")


def _limited(request, *, increment: bool) -> bool:
    """Over the limit? Only submissions count (``increment``); showing the form only looks."""
    return is_ratelimited(request, group=RATE_GROUP, key="ip", rate=_rate(), method=ALL, increment=increment)


def _too_many(request, channel):
    return render(request, "needs/intake_limited.html", {"channel": channel}, status=429)


@require_http_methods(["GET", "POST"])
@once
def intake_form(request, token):
    channel = get_object_or_404(IntakeChannel.objects.select_related("region__parent"), token=token)
    if not channel.is_active:
        return render(request, "needs/intake_closed.html", {"channel": channel}, status=410)
    if request.method == "GET":
        if _limited(request, increment=False):
            return _too_many(request, channel)
        return render(request, "needs/intake_form.html", {"channel": channel, "form": IntakeForm()})
    # Every submission counts towards the limit, accepted or not, robot or not.
    if _limited(request, increment=True):
        return _too_many(request, channel)
    form = IntakeForm(request.POST)
    if form.is_spam:
        # A robot filled the hidden field: say thanks, keep nothing.
        return redirect("intake:done", token=channel.token)
    if form.is_valid():
        data = form.cleaned_data
        try:
            lead = lead_submit_public(
                channel=channel,
                enterprise_name=data["enterprise_name"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                title=data["title"],
                description=data["description"],
                consent=data["consent"],
            )
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            signed = signing.dumps(lead.reference, salt=SIGNING_SALT)
            return redirect(f"{reverse('intake:done', args=[channel.token])}?r={signed}")
    return render(request, "needs/intake_form.html", {"channel": channel, "form": form}, status=400)


def intake_done(request, token):
    channel = get_object_or_404(IntakeChannel.objects.select_related("region"), token=token)
    reference = None
    if request.GET.get("r"):
        try:
            reference = signing.loads(request.GET["r"], salt=SIGNING_SALT, max_age=24 * 3600)
        except signing.BadSignature:
            reference = None
    return render(request, "needs/intake_done.html", {"channel": channel, "reference": reference})

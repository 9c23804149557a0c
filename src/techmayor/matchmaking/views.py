"""Pages of the matching layer: the need page's matches section (loaded by htmx), accept /
decline, and a search over the resource pool. Who may see a need decides who sees and judges its
matches (``needs.selectors.need_detail``: 404 otherwise)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from techmayor.accounts.choices import Role
from techmayor.accounts.scopes import has_role
from techmayor.core.audit import audit_source
from techmayor.core.errors import ApplicationError
from techmayor.core.models import Job
from techmayor.needs.choices import NeedState
from techmayor.needs.permissions import need_can_judge_matches, require_need_open
from techmayor.needs.selectors import need_detail

from . import selectors, services
from .models import DeclineReason

SECTION_K = 5


def _need(request, pk):
    need = need_detail(user=request.user, pk=pk)
    if need is None:
        raise Http404
    return need


def _section(request, need, error: str = ""):
    results = selectors.need_matches(need=need, k=SECTION_K, user=request.user)
    return render(
        request,
        "matchmaking/_need_matches.html",
        {
            "need": need,
            "results": results,
            # without an index: the build under way, or a button for whoever may start one
            "index_build": None if results.available else selectors.index_build_unfinished(),
            "can_build_index": not results.available and has_role(request.user, Role.CITY_ADMIN),
            "reasons": DeclineReason.choices,
            "error": error,
            # a completed or cancelled need, or one the reader may not judge (a closed batch's, for most)
            "readonly": need.state in (NeedState.COMPLETED, NeedState.CANCELLED)
            or not need_can_judge_matches(request.user, need),
        },
    )


DECISIONS = {"accept": True, "decline": False, "undo": None}


@login_required
@require_GET
def need_matches(request, pk):
    """The matches section of the need page (an htmx fragment; also readable on its own)."""
    return _section(request, _need(request, pk))


@login_required
@require_POST
def need_feedback(request, pk):
    """Accept, decline with a reason code, or undo either, for one match of the need; answers the
    refreshed section."""
    need = _need(request, pk)
    require_need_open(request.user, need)  # a closed batch's needs take no more judgements
    error = ""
    decision = request.POST.get("decision", "")
    try:
        if decision not in DECISIONS:
            raise ApplicationError(_("请选择采纳、婉拒或撤销"))
        with audit_source("web"):
            services.match_feedback_record(
                need=need,
                user=request.user,
                target=request.POST.get("target", ""),
                target_id=request.POST.get("target_id", ""),
                accepted=DECISIONS[decision],
                reason=request.POST.get("reason", ""),
                reason_text=request.POST.get("reason_text", ""),
            )
    except ApplicationError as exc:
        error = exc.message
    if request.htmx:
        return _section(request, need, error)
    if error:
        messages.error(request, error)
    return redirect(reverse("needs:need_detail", args=[need.pk]) + "#matches")


@login_required
@require_GET
def search(request):
    """A search box over the resource pool: achievements and experts, with their explanations."""
    q = request.GET.get("q", "").strip()[:2000]
    return render(request, "matchmaking/search.html", {"q": q, "results": selectors.pool_search(q=q)})


def _index_admin(request) -> None:
    if not has_role(request.user, Role.CITY_ADMIN):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def index(request):
    """The matching index: its state, a rebuild as a background job, recent jobs (administrators)."""
    _index_admin(request)
    if request.method == "POST":
        try:
            job = services.index_build_submit(by=request.user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已提交：%(label)s") % {"label": job.shown_label})
        return redirect("matchmaking:index")
    jobs = list(Job.objects.filter(kind__in=services.JOB_KINDS).select_related("created_by")[:5])
    return render(request, "matchmaking/index.html", {"status": services.index_status(), "jobs": jobs})


@login_required
@require_GET
def job(request, pk):
    """One index or corpus import job's progress (an htmx fragment that polls itself until the job ends)."""
    _index_admin(request)
    job = get_object_or_404(Job, pk=pk, kind__in=services.JOB_KINDS)
    return render(request, "matchmaking/_job.html", {"job": job})

"""Pages of the expert library and of results to enterprises. Thin: rules in ``services``,
``permissions`` and ``prospects``. Out of the reader's scope is 404 (needs, enterprises), not
allowed to write is 403."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from techmayor.core.audit import audit_source
from techmayor.core.errors import ApplicationError
from techmayor.core.exports import xlsx_response
from techmayor.core.lists import paginate
from techmayor.core.submissions import once
from techmayor.resources import services as resources
from techmayor.resources.models import Achievement, Expert, University

from . import forms, permissions, prospects, selectors, services

PROSPECTS_K = 10
PLAN_K = 50
PLAN_MAX_RESULTS = 20


def _reader(request) -> None:
    if not permissions.can_view(request.user):
        raise PermissionDenied(_("你没有查看专家库的权限"))


def _int(value) -> int | None:
    try:
        n = int(value)
    except (TypeError, ValueError):
        return None
    return n if 0 < n < 2**63 else None


def _expert(pk):
    expert = selectors.expert_get(pk)
    if expert is None:
        raise Http404
    return expert


def _achievement(pk):
    achievement = selectors.achievement_get(pk)
    if achievement is None:
        raise Http404
    return achievement


# ---------------------------------------------------------------- experts


@login_required
@require_GET
def expert_list(request):
    _reader(request)
    q = request.GET.get("q", "")
    mine = request.GET.get("mine") == "1"
    page = paginate(request, selectors.expert_list(user=request.user, q=q, mine=mine))
    context = {"page": page, "q": q, "mine": mine, "can_add": permissions.can_add_expert(request.user)}
    context["has_unit"] = bool(permissions.home_units(request.user))
    return render(request, "library/expert_list.html", context)


@login_required
@require_GET
def expert_detail(request, pk):
    _reader(request)
    expert = _expert(pk)
    if expert.merged_into_id:
        live = selectors.expert_live(expert)
        messages.info(request, _("该专家已合并到「%(expert)s」") % {"expert": live})
        return redirect("library:expert_detail", live.pk)
    results = list(expert.achievements.select_related("university").order_by("-year", "-pk"))
    context = {
        "expert": expert,
        "results": results,
        "needs": selectors.expert_needs(user=request.user, expert=expert),
        "prospects": prospects.prospects_for(
            user=request.user, achievements=results[: prospects.MAX_RESULTS], k=PROSPECTS_K
        ),
        "can_edit": permissions.can_edit_expert(request.user, expert),
    }
    return render(request, "library/expert_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@once
def expert_create(request):
    _reader(request)
    if not permissions.can_add_expert(request.user):
        raise PermissionDenied(_("你没有新增专家的权限：市级管理员，或在任团员为本派出单位新增"))
    form = forms.ExpertForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        draft = Expert(university=data["university"], organization=data["organization"].strip())
        if not permissions.can_edit_expert(request.user, draft):
            form.add_error("organization", _("只能为本派出单位新增专家：请选择本单位的高校，或填写本单位名称"))
            return render(
                request,
                "library/form.html",
                {"form": form, "heading": _("新增专家"), "cancel": reverse("library:expert_list")},
            )
        try:
            with audit_source("web"):
                expert = resources.expert_create(
                    name=data["name"],
                    title=data["title"],
                    university=data["university"],
                    organization=data["organization"],
                    disciplines=data["disciplines"],
                    bio=data["bio"],
                    email=data["email"],
                    allow_duplicate=data["allow_duplicate"],
                    by=request.user,
                )
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("已新增专家：%(expert)s") % {"expert": expert})
            return redirect("library:expert_detail", expert.pk)
    return render(
        request, "library/form.html", {"form": form, "heading": _("新增专家"), "cancel": reverse("library:expert_list")}
    )


@login_required
@require_http_methods(["GET", "POST"])
def expert_edit(request, pk):
    _reader(request)
    expert = _expert(pk)
    if not permissions.can_edit_expert(request.user, expert):
        raise PermissionDenied(_("你不能修改这位专家"))
    form = forms.ExpertForm(request.POST or None, user=request.user, instance=expert)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k in resources.EXPERT_FIELDS}
        try:
            with audit_source("web"):
                resources.expert_update(expert=expert, by=request.user, **data)
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("library:expert_detail", expert.pk)
    cancel = reverse("library:expert_detail", args=[expert.pk])
    return render(
        request, "library/form.html", {"form": form, "heading": _("修改专家"), "obj": expert, "cancel": cancel}
    )


@login_required
@require_http_methods(["GET", "POST"])
def expert_merge(request, pk):
    """Merge a duplicate into this expert: candidates of the same name, or found by a search."""
    _reader(request)
    expert = _expert(pk)
    if not permissions.can_edit_expert(request.user, expert):
        raise PermissionDenied(_("你不能合并这位专家"))
    q = request.GET.get("q", "")
    candidates = selectors.merge_candidates(user=request.user, expert=expert, q=q)
    if request.method == "POST":
        chosen = selectors.expert_get(_int(request.POST.get("duplicate")) or 0)
        if chosen is not None and chosen not in candidates and permissions.can_merge(request.user, expert, chosen):
            candidates.append(chosen)  # found by an earlier search
    form = forms.MergeForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        duplicate = form.cleaned_data["duplicate"]
        try:
            with audit_source("web"):
                services.expert_merge(keep=expert, duplicate=duplicate, by=request.user)
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(
                request, _("已将「%(duplicate)s」并入「%(expert)s」") % {"duplicate": duplicate, "expert": expert}
            )
            return redirect("library:expert_detail", expert.pk)
    context = {"expert": expert, "form": form, "candidates": candidates, "q": q}
    return render(request, "library/expert_merge.html", context)


# ---------------------------------------------------------------- results


@login_required
@require_GET
def achievement_detail(request, pk):
    _reader(request)
    achievement = _achievement(pk)
    context = {
        "achievement": achievement,
        "experts": list(achievement.experts.filter(merged_into__isnull=True).select_related("university")),
        "prospects": prospects.prospects_for(user=request.user, achievements=[achievement], k=PROSPECTS_K),
        "can_edit": permissions.can_edit_achievement(request.user, achievement),
    }
    return render(request, "library/achievement_detail.html", context)


def _achievement_fields(data) -> dict:
    return {k: data[k] for k in ("kind", "title", "abstract", "keywords", "discipline", "year")}


@login_required
@require_http_methods(["GET", "POST"])
@once
def achievement_create(request):
    _reader(request)
    if not permissions.can_add_expert(request.user):
        raise PermissionDenied(_("你没有新增成果的权限"))
    initial = {}
    expert = selectors.expert_get(_int(request.GET.get("expert")) or 0)
    if expert is not None and permissions.can_edit_expert(request.user, expert):
        initial["experts"] = [expert.pk]
    form = forms.AchievementForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        experts = list(data["experts"])
        if not experts and not permissions.is_library_admin(request.user):
            form.add_error("experts", _("请选择成果的专家（本派出单位的专家）"))
        else:
            try:
                with audit_source("web"):
                    achievement = resources.achievement_create(
                        external_id=data["external_id"], experts=experts, by=request.user, **_achievement_fields(data)
                    )
            except ApplicationError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, _("已新增成果"))
                return redirect("library:achievement_detail", achievement.pk)
    cancel = reverse("library:expert_detail", args=[expert.pk]) if expert else reverse("library:expert_list")
    return render(request, "library/form.html", {"form": form, "heading": _("新增成果"), "cancel": cancel})


@login_required
@require_http_methods(["GET", "POST"])
def achievement_edit(request, pk):
    _reader(request)
    achievement = _achievement(pk)
    if not permissions.can_edit_achievement(request.user, achievement):
        raise PermissionDenied(_("你不能修改这项成果"))
    form = forms.AchievementForm(request.POST or None, user=request.user, instance=achievement)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # experts the user may not edit stay on the result whatever the form says
        kept = [e for e in achievement.experts.all() if not permissions.can_edit_expert(request.user, e)]
        experts = list(dict.fromkeys([*kept, *data["experts"]]))
        try:
            with audit_source("web"):
                resources.achievement_update(
                    achievement=achievement, experts=experts, by=request.user, **_achievement_fields(data)
                )
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("library:achievement_detail", achievement.pk)
    cancel = reverse("library:achievement_detail", args=[achievement.pk])
    context = {"form": form, "heading": _("修改成果"), "obj": achievement, "cancel": cancel}
    return render(request, "library/form.html", context)


@login_required
@require_GET
def achievement_by_external_id(request):
    """A result by the id the matching engine knows it by (``?id=`` its external id): to its page."""
    _reader(request)
    found = Achievement.objects.filter(external_id=request.GET.get("id", "")[:80]).order_by("pk").first()
    if found is None:
        raise Http404
    return redirect("library:achievement_detail", found.pk)


# ---------------------------------------------------------------- universities


@login_required
@require_GET
def university_by_code(request, code):
    """A university by its 学校标识码 (the id the matching engine knows it by): to its page."""
    _reader(request)
    found = University.objects.filter(code=code[:10]).first()
    if found is None:
        raise Http404
    return redirect("library:university_detail", found.pk)


@login_required
@require_GET
def university_detail(request, pk):
    _reader(request)
    university = selectors.university_get(pk)
    if university is None:
        raise Http404
    results = prospects.recent_results(Achievement.objects.filter(university=university))
    context = {
        "university": university,
        "experts": selectors.university_experts(university),
        "results": results[:10],
        "n_results": Achievement.objects.filter(university=university).count(),
        "prospects": prospects.prospects_for(user=request.user, achievements=results, k=PROSPECTS_K),
    }
    return render(request, "library/university_detail.html", context)


# ---------------------------------------------------------------- the 成果推介 planner


def _plan(request):
    ids = [n for n in (_int(v) for v in request.GET.getlist("r")) if n][:PLAN_MAX_RESULTS]
    chosen = list(Achievement.objects.filter(pk__in=ids).select_related("university"))
    chosen.sort(key=lambda a: ids.index(a.pk))
    return chosen


@login_required
@require_GET
def planner(request):
    """成果推介: pick results (search, tick), get the enterprises to invite, export the list."""
    _reader(request)
    chosen = _plan(request)
    q = request.GET.get("q", "")
    found = [a for a in selectors.achievement_search(q) if a not in chosen]
    rows = prospects.prospects_for(user=request.user, achievements=chosen, k=PLAN_K) if chosen else []
    context = {"chosen": chosen, "q": q, "found": found, "rows": rows, "limit": PLAN_MAX_RESULTS}
    return render(request, "library/planner.html", context)


@login_required
@require_GET
def planner_export(request):
    """The invitation list (邀请名单) as .xlsx through the one writer (audited as an export)."""
    _reader(request)
    chosen = _plan(request)
    if not chosen:
        messages.error(request, _("请先选择要推介的成果"))
        return redirect("library:planner")
    rows = prospects.prospects_for(user=request.user, achievements=chosen, k=PLAN_K)
    headers = [
        _("序号"),
        _("企业名称"),
        _("所在地"),
        _("所属行业"),
        _("联系人"),
        _("联系电话"),
        _("推介成果"),
        _("推荐理由"),
    ]

    def lines():
        for i, row in enumerate(rows, start=1):
            e, c = row.enterprise, row.contact
            yield [
                i,
                e.name,
                e.region.name if e.region_id else "",
                str(e.industry) if e.industry_id else "",
                c.name if c else "",
                c.phone if c else "",
                "\n".join(a.title for a in row.results),
                "\n".join(prospects.evidence_text(ev) for ev in row.evidence),
            ]

    title = _("成果推介邀请名单")
    return xlsx_response(title, title, headers, lines(), widths=(6, 32, 14, 26, 10, 16, 40, 60), request=request)

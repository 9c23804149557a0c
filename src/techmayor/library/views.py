"""Pages of the expert library and of results to enterprises. Thin: rules in ``services``,
``permissions`` and ``prospects``. Out of the reader's scope is 404 (needs, enterprises), not
allowed to write is 403."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from techmayor.core.audit import audit_source
from techmayor.core.errors import ApplicationError
from techmayor.core.exports import xlsx_response
from techmayor.core.forms import styled
from techmayor.core.lists import paginate
from techmayor.core.registry import Column, build_row, columns_xlsx, list_context, registry
from techmayor.core.submissions import once
from techmayor.resources import services as resources
from techmayor.resources.filters import AchievementFilterSet
from techmayor.resources.models import Achievement, Expert, University
from techmayor.roster.selectors import write_context

from . import forms, permissions, prospects, selectors, services

PROSPECTS_K = 10
PLAN_K = 50
PLAN_MAX_RESULTS = services.PLAN_MAX_RESULTS
SEARCH_LIMIT = 30  # results the planner's search shows


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


RESULT_COLUMNS = [
    Column(gettext_lazy("标题"), lambda a: a.title, width=48, role="title"),
    Column(gettext_lazy("类型"), lambda a: a.get_kind_display(), width=10, role="meta"),
    Column(gettext_lazy("成熟度"), lambda a: a.get_stage_display(), width=12, role="meta"),
    Column(gettext_lazy("年份"), lambda a: a.year, width=8, role="meta"),
    Column(gettext_lazy("高校"), lambda a: a.university.name if a.university_id else "", width=22),
    Column(gettext_lazy("专家"), lambda a: _("、").join(e.name for e in a.experts.all()), width=20),
    Column(gettext_lazy("编号"), lambda a: a.external_id, width=24, in_list=False),
    Column(gettext_lazy("学科"), lambda a: a.discipline, width=16, in_list=False),
    Column(gettext_lazy("关键词"), lambda a: _("、").join(a.keywords or []), width=30, in_list=False),
]


def _results_filtered(request):
    _reader(request)
    filterset = AchievementFilterSet(request.GET or None, queryset=selectors.achievement_list(), request=request)
    styled(filterset.form)
    return filterset, filterset.qs


@login_required
@require_GET
def achievement_list(request):
    """The library's results (papers, patents, technology offers), searched and filtered by kind and
    stage (成熟度), exported as .xlsx."""
    filterset, records = _results_filtered(request)
    can_add = permissions.can_add_expert(request.user)
    context = list_context(
        request,
        kind={"label": _("科技成果"), "icon": "bi-journal-richtext", "verbose_name": _("科技成果")},
        columns=RESULT_COLUMNS,
        filterset=filterset,
        records=records,
        row=lambda a: build_row(RESULT_COLUMNS, a, reverse("library:achievement_detail", args=[a.pk])),
        can_create=can_add,
        create_url=reverse("library:achievement_create") if can_add else None,
        export_url=reverse("library:achievement_export"),
    )
    return render(request, "web/record_list.html", context)


@login_required
@require_GET
def achievement_export(request):
    _filterset, records = _results_filtered(request)
    return columns_xlsx(request, _("科技成果"), RESULT_COLUMNS, records)


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
    return {k: data[k] for k in ("kind", "title", "abstract", "keywords", "discipline", "year", "stage")}


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


def _plan(data) -> list[Achievement]:
    """The plan's results: the ``r`` values (ids) in their order, at most ``PLAN_MAX_RESULTS``."""
    ids = list(dict.fromkeys(n for n in (_int(v) for v in data.getlist("r")) if n))[:PLAN_MAX_RESULTS]
    chosen = list(Achievement.objects.filter(pk__in=ids).select_related("university"))
    chosen.sort(key=lambda a: ids.index(a.pk))
    return chosen


def _plan_query(chosen) -> str:
    return urlencode([("r", a.pk) for a in chosen])


@login_required
@require_GET
def planner(request):
    """成果推介: pick results (search by words and stage, tick), get the enterprises to invite, export
    the list or save the plan as the ledger's event."""
    _reader(request)
    chosen = _plan(request.GET)
    filterset = AchievementFilterSet(request.GET, queryset=selectors.achievement_list(), request=request)
    styled(filterset.form)
    q = request.GET.get("q", "")
    searching = bool(q.strip() or request.GET.getlist("stage"))
    found = (
        [a for a in filterset.qs[: SEARCH_LIMIT + len(chosen)] if a not in chosen][:SEARCH_LIMIT] if searching else []
    )
    rows = prospects.prospects_for(user=request.user, achievements=chosen, k=PLAN_K) if chosen else []
    context = {
        "chosen": chosen,
        "q": q,
        "searching": searching,
        "stage_field": filterset.form["stage"],
        "found": found,
        "rows": rows,
        "limit": PLAN_MAX_RESULTS,
        "plan": _plan_query(chosen),
        "can_save": bool(chosen) and write_context(request.user) is not None,
    }
    return render(request, "library/planner.html", context)


INVITATION_HEADERS = (
    gettext_lazy("序号"),
    gettext_lazy("企业名称"),
    gettext_lazy("所在地"),
    gettext_lazy("所属行业"),
    gettext_lazy("联系人"),
    gettext_lazy("联系电话"),
    gettext_lazy("推介成果"),
    gettext_lazy("推荐理由"),
)


def _invitation_xlsx(request, rows, *, results, title):
    """An invitation list (邀请名单) as .xlsx through the one writer (audited as an export)."""

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
                "\n".join(a.title for a in (row.results or results)),
                "\n".join(prospects.evidence_text(ev) for ev in row.evidence),
            ]

    headers = [str(h) for h in INVITATION_HEADERS]
    return xlsx_response(title, title, headers, lines(), widths=(6, 32, 14, 26, 10, 16, 40, 60), request=request)


@login_required
@require_GET
def planner_export(request):
    """The plan's invitation list as .xlsx."""
    _reader(request)
    chosen = _plan(request.GET)
    if not chosen:
        messages.error(request, _("请先选择要推介的成果"))
        return redirect("library:planner")
    rows = prospects.prospects_for(user=request.user, achievements=chosen, k=PLAN_K)
    return _invitation_xlsx(request, rows, results=chosen, title=_("成果推介邀请名单"))


@login_required
@require_http_methods(["GET", "POST"])
@once
def planner_save(request):
    """保存为成果推介活动: the plan becomes the ledger's event (对接活动) for the chosen group, date and
    members, with its results and the invited enterprises; then to the event's page."""
    _reader(request)
    ctx = write_context(request.user)
    if ctx is None:
        raise PermissionDenied(_("你没有登记活动的权限：在任团员、团长或市级管理员可以保存成果推介活动"))
    chosen = _plan(request.POST if request.method == "POST" else request.GET)
    if not chosen:
        messages.error(request, _("请先选择要推介的成果"))
        return redirect("library:planner")
    rows = prospects.prospects_for(user=request.user, achievements=chosen, k=PLAN_K)
    form = forms.PromotionEventForm(
        request.POST or None, ctx=ctx, user=request.user, results=chosen, candidates=[r.enterprise for r in rows]
    )
    if request.method == "POST" and form.is_valid():
        try:
            with audit_source("web"):
                event = form.save(by=request.user)
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("已保存为成果推介活动：%(title)s") % {"title": event.title})
            return redirect(registry.get("event").detail_url(event))
    reasons = {str(r.enterprise.pk): prospects.evidence_text(r.evidence[0]) if r.evidence else "" for r in rows}
    context = {
        "form": form,
        "chosen": chosen,
        "invites": [(w, reasons.get(str(w.data["value"]), "")) for w in form["enterprises"]],
        "plan": _plan_query(chosen),
        "cancel": reverse("library:planner") + "?" + _plan_query(chosen),
    }
    return render(request, "library/planner_save.html", context)


# ---------------------------------------------------------------- a saved 成果推介 event


def _promotion_event(request, pk):
    """An event in the user's scope that promotes results (else 404)."""
    from techmayor.ledger.models import Event
    from techmayor.ledger.selectors import record_list

    _reader(request)
    event = record_list(Event, user=request.user).filter(pk=pk).first()
    if event is None or not event.achievements.exists():
        raise Http404
    return event


def event_section(request, event) -> str:
    """The part of an event's page (``core.registry`` detail section) a 成果推介 event adds: its
    results and its invitation list with the reasons, and the list's export."""
    results = list(event.achievements.select_related("university").order_by("pk"))
    if not results or not permissions.can_view(request.user):
        return ""
    rows, hidden = prospects.invitations_for(
        user=request.user, achievements=results, enterprises=event.enterprises.all()
    )
    context = {"event": event, "results": results, "rows": rows, "hidden": hidden}
    return render_to_string("library/_event_promotion.html", context, request=request)


@login_required
@require_GET
def event_export(request, pk):
    """A saved 成果推介 event's invitation list as .xlsx (the same columns as the planner's)."""
    event = _promotion_event(request, pk)
    results = list(event.achievements.order_by("pk"))
    rows, _hidden = prospects.invitations_for(
        user=request.user, achievements=results, enterprises=event.enterprises.all()
    )
    title = _("成果推介邀请名单")
    return _invitation_xlsx(request, rows, results=results, title=f"{title} {event.date:%Y-%m-%d} {event.title}"[:80])

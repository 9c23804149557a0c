"""Pages of the need loop: thin adapters — find the record in the user's scope (else 404), check the
permission (else 403), validate the form, call one service, redirect or render."""

from __future__ import annotations

import datetime as dt
import io

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from techmayor.core import clock, versions
from techmayor.core.audit import audit_source
from techmayor.core.errors import ApplicationError
from techmayor.core.exports import download
from techmayor.core.forms import WithdrawForm, styled
from techmayor.core.history import entries_of
from techmayor.core.lists import paginate
from techmayor.core.models import Region
from techmayor.core.submissions import once
from techmayor.enterprises.models import Enterprise
from techmayor.enterprises.services import enterprise_create
from techmayor.roster.models import Group
from techmayor.roster.selectors import group_list, reference_day

from . import permissions as perms
from . import selectors, services
from .choices import LeadStatus, NeedAction
from .exports import needs_sheet
from .forms import (
    NEW_ENTERPRISE,
    CompletionForm,
    InviteForm,
    LeadConvertForm,
    LeadForm,
    LeadRejectForm,
    MergeForm,
    NeedEditForm,
    OutcomeForm,
    ProgressForm,
    ReasonForm,
)
from .models import IntakeChannel, Lead, Need, NeedCollaborator, OutcomeRound
from .policy_views import policy_section
from .state_machine import REASON_REQUIRED


def _page(request, queryset):
    return paginate(request, queryset)


def _query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _need(request, pk) -> Need:
    need = selectors.need_detail(user=request.user, pk=pk)
    if need is None:
        raise Http404(_("需求不存在或无权查看"))
    return need


def _error(form, exc: ApplicationError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _detail(need) -> HttpResponse:
    return redirect("needs:need_detail", pk=need.pk)


# ---------------------------------------------------------------- list, export


@login_required
def need_list(request):
    filterset = selectors.need_filterset(user=request.user, data=request.GET, related=selectors.PAGE_RELATED)
    styled(filterset.form)  # Bootstrap classes on the filter selects
    page = _page(request, filterset.qs)
    context = {
        "filter": filterset,
        "page": page,
        "query": _query_without_page(request),
        "export_query": request.GET.urlencode(),
        "can_create_lead": perms.can_create_lead(request.user),
    }
    template = "needs/_need_results.html" if request.htmx and not request.htmx.boosted else "needs/need_list.html"
    return render(request, template, context)


@login_required
def need_export(request):
    needs = selectors.need_list(user=request.user, filters=request.GET)
    return download(_("企业需求"), [needs_sheet(needs)], request=request)


# ---------------------------------------------------------------- detail


@login_required
def need_detail(request, pk):
    need = selectors.need_detail(user=request.user, pk=pk)
    if need is None:
        return _withdrawn_page(request, Need, pk)
    allowed = perms.need_actions(request.user, need)
    context = perms.NeedContext(request.user, need)
    collaborators = selectors.need_collaborators(need=need)
    simple = [
        a
        for a in (
            NeedAction.VERIFY,
            NeedAction.PUBLISH,
            NeedAction.RESUBMIT,
            NeedAction.CLAIM,
            NeedAction.APPROVE_COMPLETION,
        )
        if a in allowed
    ]
    with_reason = [
        a
        for a in (NeedAction.RETURN, NeedAction.REJECT_COMPLETION, NeedAction.RELEASE, NeedAction.CANCEL)
        if a in allowed
    ]
    return render(
        request,
        "needs/need_detail.html",
        {
            "need": need,
            "allowed": allowed,
            "read_only_batch": context.read_only,
            "simple_actions": [(a, perms.ACTION_LABELS[a]) for a in simple],
            "reason_actions": [(a, perms.ACTION_LABELS[a], a in REASON_REQUIRED) for a in with_reason],
            "collaborators": collaborators,
            "my_link": next((c for c in collaborators if context.member and c.member_id == context.member.pk), None),
            "members": list(need.members.all()),
            "timeline": selectors.need_timeline(need=need),
            "attachments": selectors.need_attachments(need=need),
            "outcomes": list(need.outcome_rounds.all()),
            "totals": selectors.outcome_totals(need=need),
            "duplicates_merged": list(selectors.need_visible(request.user).filter(merged_into=need)),
            "lead_visible": need.lead_id and selectors.lead_detail(user=request.user, pk=need.lead_id) is not None,
            "progress_form": ProgressForm(need=need) if perms.PROGRESS in allowed else None,
            **policy_section(request, need),
            "withdraw_url": reverse("needs:need_withdraw", args=[need.pk])
            if perms.need_can_withdraw(request.user, need)
            else None,
            **_history_tab(request, need),
        },
    )


# ---------------------------------------------------------------- state changes


SIMPLE_ACTIONS = (
    NeedAction.VERIFY,
    NeedAction.PUBLISH,
    NeedAction.RETURN,
    NeedAction.RESUBMIT,
    NeedAction.CLAIM,
    NeedAction.RELEASE,
    NeedAction.APPROVE_COMPLETION,
    NeedAction.REJECT_COMPLETION,
    NeedAction.CANCEL,
)


def _claimed_by_another(request, pk) -> HttpResponse | None:
    """A member who tried to claim a need someone claimed first is told so (not a 403 or a 404: a
    claimed need leaves the members' view); None when the need is not claimed."""
    member = perms.actor(request.user).member
    need = selectors.need_detail(user=request.user, pk=pk)
    if need is not None and need.owner_id is not None:
        messages.error(request, services.claimed_message(need, member))
        return _detail(need)
    if need is None and member is not None:
        taken = Need.objects.filter(pk=pk, owner__isnull=False, batch__tenures__member=member).first()
        if taken is not None:
            messages.error(request, services.claimed_message(taken, member))
            return redirect("needs:need_list")
    return None


@login_required
@require_POST
def need_action(request, pk, action):
    if action not in SIMPLE_ACTIONS:
        raise Http404
    if action == NeedAction.CLAIM:
        taken = _claimed_by_another(request, pk)
        if taken is not None:
            return taken
    need = _need(request, pk)
    perms.require_need(request.user, action, need)
    form = ReasonForm(request.POST)
    reason = form.data.get("reason", "")[:300]
    try:
        if action == NeedAction.CLAIM:
            member = perms.actor(request.user).member
            services.need_claim(need=need, member=member, by=request.user)
        elif action == NeedAction.RELEASE:
            services.need_release(need=need, reason=reason, by=request.user)
        elif action == NeedAction.APPROVE_COMPLETION:
            services.need_approve_completion(need=need, by=request.user)
        else:
            services.need_transition(need=need, action=action, reason=reason, by=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已%(action)s") % {"action": perms.ACTION_LABELS[action]})
    return _detail(need)


@login_required
@require_http_methods(["GET", "POST"])
def need_edit(request, pk):
    need = _need(request, pk)
    perms.require_need(request.user, perms.EDIT, need)
    initial = {f: getattr(need, f) for f in ("title", "description", "kind", "urgency", "is_bottleneck")}
    form = versions.attach(NeedEditForm(request.POST or None, initial=initial), need)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                current = versions.check(form, need)
                if current is not None:
                    services.need_update(need=current, by=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            _error(form, exc)
        else:
            if current is not None:
                messages.success(request, _("需求已修改"))
                return _detail(need)
    return render(request, "needs/need_form.html", {"need": need, "form": form, "title": _("修改需求")})


@login_required
@require_http_methods(["GET", "POST"])
def need_complete(request, pk):
    need = _need(request, pk)
    perms.require_need(request.user, NeedAction.SUBMIT_COMPLETION, need)
    form = CompletionForm(request.POST or None, request.FILES or None, initial={"solution": need.solution})
    if request.method == "POST" and form.is_valid():
        try:
            services.need_submit_completion(
                need=need, solution=form.cleaned_data["solution"], file=form.cleaned_data["file"], by=request.user
            )
        except ApplicationError as exc:
            _error(form, exc)
        else:
            messages.success(request, _("已提交办结，等待验收"))
            return _detail(need)
    return render(
        request, "needs/need_form.html", {"need": need, "form": form, "title": _("提交办结"), "multipart": True}
    )


@login_required
@require_http_methods(["GET", "POST"])
def need_merge(request, pk):
    need = _need(request, pk)
    perms.require_need(request.user, NeedAction.MERGE, need)
    candidates = selectors.merge_candidates(user=request.user, need=need)
    form = MergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        target = selectors.need_detail(user=request.user, pk=form.cleaned_data["target"])
        if target is None or target.batch_id != need.batch_id:
            form.add_error("into", _("找不到该编号的需求，或不在同一批次"))
        else:
            try:
                services.need_merge(need=need, into=target, reason=form.cleaned_data["reason"], by=request.user)
            except ApplicationError as exc:
                _error(form, exc)
            else:
                messages.success(request, _("已合并至「%(title)s」") % {"title": target.title})
                return _detail(target)
    return render(request, "needs/need_merge.html", {"need": need, "form": form, "candidates": candidates})


# ---------------------------------------------------------------- progress


@login_required
@require_http_methods(["GET", "POST"])
@once
def need_progress(request, pk):
    need = _need(request, pk)
    perms.require_need(request.user, perms.PROGRESS, need)
    form = ProgressForm(request.POST or None, request.FILES or None, need=need)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.need_progress_report(
                need=need,
                member=perms.actor(request.user).member,
                date=data["date"],
                current_status=data["current_status"],
                next_step=data["next_step"],
                file=data["file"],
                by=request.user,
            )
        except ApplicationError as exc:
            _error(form, exc)
        else:
            messages.success(request, _("进展已填报"))
            return _detail(need)
    return render(
        request,
        "needs/need_form.html",
        {"need": need, "form": form, "title": _("填报进展"), "multipart": True, "once": True},
    )


# ---------------------------------------------------------------- collaborators


@login_required
@require_http_methods(["GET", "POST"])
def collaborator_invite(request, pk):
    need = _need(request, pk)
    perms.require_need(request.user, perms.INVITE, need)
    form = InviteForm(request.POST or None, candidates=selectors.invite_candidates(need=need))
    if request.method == "POST" and form.is_valid():
        try:
            services.need_collaborator_invite(need=need, member=form.cleaned_data["member"], by=request.user)
        except ApplicationError as exc:
            _error(form, exc)
        else:
            messages.success(request, _("已发出协同邀请"))
            return _detail(need)
    return render(request, "needs/need_form.html", {"need": need, "form": form, "title": _("邀请协同")})


@login_required
@require_POST
def collaborator_request(request, pk):
    need = _need(request, pk)
    perms.require_need(request.user, perms.REQUEST_JOIN, need)
    try:
        services.need_collaborator_request(need=need, member=perms.actor(request.user).member, by=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已申请协同，等待负责人同意"))
    return _detail(need)


@login_required
@require_POST
def collaborator_respond(request, pk, link_pk, decision):
    need = _need(request, pk)
    link = get_object_or_404(NeedCollaborator.objects.select_related("member", "need"), pk=link_pk, need=need)
    if decision not in ("accept", "decline"):
        raise Http404
    member = perms.actor(request.user).member
    if link.status == "requested":
        perms.require_need(request.user, perms.RESPOND_REQUEST, need)
    elif link.status == "invited" and member is not None and link.member_id == member.pk:
        perms.require_need(request.user, perms.RESPOND_INVITE, need)
    else:
        raise PermissionDenied(_("无需处理，或无权处理该协同记录"))
    try:
        services.need_collaborator_respond(link=link, accept=decision == "accept", by=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已同意") if decision == "accept" else _("已拒绝"))
    return _detail(need)


@login_required
@require_POST
def collaborator_leave(request, pk, link_pk):
    need = _need(request, pk)
    link = get_object_or_404(NeedCollaborator.objects.select_related("member", "need"), pk=link_pk, need=need)
    member = perms.actor(request.user).member
    if member is not None and link.member_id == member.pk:
        perms.require_need(request.user, perms.LEAVE, need)
    else:
        perms.require_need(request.user, perms.REMOVE_COLLABORATOR, need)
    try:
        services.need_collaborator_leave(link=link, by=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已退出协同") if link.member_id == getattr(member, "pk", None) else _("已移除"))
    return _detail(need)


# ---------------------------------------------------------------- outcomes


@login_required
@require_http_methods(["GET", "POST"])
@once
def outcome_add(request, pk):
    need = _need(request, pk)
    perms.require_need(request.user, perms.OUTCOME_ADD, need)
    form = OutcomeForm(request.POST or None, need=need)
    if request.method == "POST" and form.is_valid():
        try:
            services.outcome_round_add(need=need, by=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            _error(form, exc)
        else:
            messages.success(request, _("成效已登记，审核后计入统计"))
            return _detail(need)
    context = {"need": need, "form": form, "title": _("登记成效（本轮增量）"), "once": True}
    return render(request, "needs/need_form.html", context)


@login_required
@require_POST
def outcome_approve(request, pk, outcome_pk):
    need = _need(request, pk)
    outcome = get_object_or_404(OutcomeRound, pk=outcome_pk, need=need)
    perms.require_need(request.user, perms.OUTCOME_APPROVE, need)
    try:
        services.outcome_round_approve(outcome=outcome, by=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("成效已审核，计入统计"))
    return _detail(need)


# ---------------------------------------------------------------- leads


def _lead(request, pk):
    lead = selectors.lead_detail(user=request.user, pk=pk)
    if lead is None:
        raise Http404(_("线索不存在或无权查看"))
    return lead


@login_required
def lead_list(request):
    filterset = selectors.lead_filterset(user=request.user, data=request.GET)
    styled(filterset.form)
    page = _page(request, filterset.qs)
    return render(
        request,
        "needs/lead_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": _query_without_page(request),
            "can_create_lead": perms.can_create_lead(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@once
def lead_create(request):
    if not perms.can_create_lead(request.user):
        raise PermissionDenied(_("只有镇（街道）工作人员和市级管理员可以录入需求线索"))
    form = LeadForm(request.POST or None, regions=perms.managed_towns(request.user))
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        duplicates = selectors.lead_duplicates(
            user=request.user, enterprise_name=data["enterprise_name"], title=data["title"], text=data["raw_text"]
        )
        if duplicates and not data["confirm_duplicate"]:
            form.add_error(None, _("发现疑似重复的线索或需求，请核对；确认不是重复后勾选下方选项再提交"))
        else:
            region = data["region"]
            try:
                lead = services.lead_create(
                    source=perms.lead_source_for(request.user, region),
                    raw_text=data["raw_text"],
                    title=data["title"],
                    enterprise_name=data["enterprise_name"],
                    contact_name=data["contact_name"],
                    contact_phone=data["contact_phone"],
                    region=region,
                    by=request.user,
                )
            except ApplicationError as exc:
                _error(form, exc)
            else:
                messages.success(request, _("线索已录入，受理编号 %(ref)s") % {"ref": lead.reference})
                return redirect("needs:lead_detail", pk=lead.pk)
    return render(request, "needs/lead_form.html", {"form": form, "duplicates": duplicates})


def _lead_enterprises(lead) -> list[Enterprise]:
    if lead.enterprise_id:
        return [lead.enterprise]
    if not lead.enterprise_key:
        return []
    return list(Enterprise.objects.filter(normalized_name=lead.enterprise_key).order_by("id")[:10])


def _lead_groups(lead, user):
    """The visit's group, or the groups of the active batch in the lead's city that the user may see
    (a town's staff the group serving their district, not another district's)."""
    if lead.visit_id:
        return Group.objects.filter(pk=lead.visit.group_id).select_related("batch__city")
    city_id = perms.actor(user).city_of(lead.region_id)
    return Group.objects.filter(
        batch__city_id=city_id, batch__is_active=True, pk__in=group_list(user=user).values("pk")
    ).select_related("batch__city")


def _default_group(lead, groups):
    groups = list(groups)
    region = lead.region
    while region is not None:
        for group in groups:
            if group.district_id == region.pk:
                return group
        region = region.parent
    return groups[0] if len(groups) == 1 else None


def _lead_day(lead, group) -> dt.date:
    """The conversion's default date: the day the lead was found or received, within the batch and not after today."""
    day = lead.visit.date if lead.visit_id else timezone.localtime(lead.created_at).date()
    return reference_day(group.batch, day) if group is not None else min(day, clock.today())


@login_required
def lead_detail(request, pk):
    lead = selectors.lead_detail(user=request.user, pk=pk)
    if lead is None:
        return _withdrawn_page(request, Lead, pk)
    can_convert = perms.lead_can(request.user, perms.LEAD_CONVERT, lead)
    context = {
        "lead": lead,
        "needs": list(selectors.need_visible(request.user).filter(lead=lead)),
        "can_convert": can_convert,
        "can_reject": perms.lead_can(request.user, perms.LEAD_REJECT, lead),
        "duplicates": selectors.lead_duplicates(
            user=request.user,
            enterprise=lead.enterprise,
            enterprise_name=lead.enterprise_name,
            title=lead.title,
            text=lead.raw_text,
            exclude=lead,
        )
        if lead.status == LeadStatus.NEW
        else [],
        "reject_form": LeadRejectForm(),
        "withdraw_url": reverse("needs:lead_withdraw", args=[lead.pk])
        if perms.lead_can_withdraw(request.user, lead)
        else None,
        **_history_tab(request, lead),
    }
    return render(request, "needs/lead_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@once
def lead_convert(request, pk):
    lead = _lead(request, pk)
    perms.require_lead(request.user, perms.LEAD_CONVERT, lead)
    enterprises = _lead_enterprises(lead)
    groups = _lead_groups(lead, request.user)
    default_group = _default_group(lead, groups)
    initial = {
        "title": lead.title,
        "description": lead.raw_text,
        "new_enterprise_name": lead.enterprise_name,
        "group": default_group.pk if default_group else None,
        "date": _lead_day(lead, default_group),
    }
    form = LeadConvertForm(
        request.POST or None,
        initial=initial,
        enterprises=enterprises,
        groups=groups,
        targets=perms.lead_convert_targets(request.user, lead),
    )
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        enterprise = form.enterprises.get(data["enterprise"])
        duplicates = (
            selectors.need_duplicates(
                user=request.user, enterprise=enterprise, title=data["title"], description=data["description"]
            )
            if enterprise
            else []
        )
        if duplicates and not data["confirm_duplicate"]:
            form.add_error(None, _("该企业已有相近的需求，请核对；确认不是重复后勾选下方选项再提交"))
        else:
            try:
                with transaction.atomic():
                    if data["enterprise"] == NEW_ENTERPRISE:
                        enterprise = enterprise_create(
                            name=data["new_enterprise_name"],
                            credit_code=data["credit_code"] or None,
                            region=lead.region,
                            by=request.user,
                        )
                    need = services.lead_convert(
                        lead=lead,
                        group=data["group"],
                        enterprise=enterprise,
                        title=data["title"],
                        description=data["description"],
                        date=data["date"],
                        kind=data["kind"],
                        urgency=data["urgency"],
                        is_bottleneck=data["is_bottleneck"],
                        advance_to=data["advance_to"],
                        by=request.user,
                    )
            except ApplicationError as exc:
                _error(form, exc)
            else:
                messages.success(request, _("线索已转为需求"))
                return _detail(need)
    return render(request, "needs/lead_convert.html", {"lead": lead, "form": form, "duplicates": duplicates})


@login_required
@require_POST
def lead_reject(request, pk):
    lead = _lead(request, pk)
    perms.require_lead(request.user, perms.LEAD_REJECT, lead)
    form = LeadRejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("不予受理须填写原因"))
    else:
        try:
            services.lead_reject(lead=lead, reason=form.cleaned_data["reason"], by=request.user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已标记为不予受理"))
    return redirect("needs:lead_detail", pk=lead.pk)


# ---------------------------------------------------------------- the towns' public intake links


def _managed_town(request, region_pk) -> Region:
    region = perms.managed_towns(request.user).filter(pk=region_pk).first()
    if region is None:
        raise Http404(_("无权管理该镇（街道）的征集入口"))
    return region


def _intake_url(request, channel: IntakeChannel) -> str:
    return request.build_absolute_uri(reverse("intake:form", args=[channel.token]))


@login_required
def intake_links(request):
    if not perms.can_create_lead(request.user):
        raise PermissionDenied(_("只有镇（街道）工作人员和市级管理员可以管理需求征集入口"))
    towns = list(perms.managed_towns(request.user))
    channels = {c.region_id: c for c in IntakeChannel.objects.filter(region__in=towns)}
    rows = [{"region": town, "channel": channels.get(town.pk)} for town in towns]
    return render(request, "needs/intake_links.html", {"rows": rows})


@login_required
def intake_link(request, region_pk):
    region = _managed_town(request, region_pk)
    channel = IntakeChannel.objects.filter(region=region).first()
    context = {"region": region, "channel": channel}
    if channel is not None:
        url = _intake_url(request, channel)
        context["url"] = url
        context["qr_svg"] = segno.make(url, error="m").svg_inline(scale=6, title=f"{region.name}企业需求征集")
    return render(request, "needs/intake_link.html", context)


@login_required
@require_POST
def intake_link_open(request, region_pk):
    region = _managed_town(request, region_pk)
    try:
        services.intake_channel_open(region=region, by=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("征集入口已开通"))
    return redirect("needs:intake_link", region_pk=region.pk)


@login_required
@require_POST
def intake_link_close(request, region_pk):
    region = _managed_town(request, region_pk)
    channel = get_object_or_404(IntakeChannel, region=region)
    services.intake_channel_close(channel=channel, by=request.user)
    messages.success(request, _("征集入口已停用，链接暂不能提交"))
    return redirect("needs:intake_link", region_pk=region.pk)


@login_required
def intake_link_png(request, region_pk):
    region = _managed_town(request, region_pk)
    channel = get_object_or_404(IntakeChannel, region=region)
    buffer = io.BytesIO()
    segno.make(_intake_url(request, channel), error="m").save(buffer, kind="png", scale=12, border=4)
    response = HttpResponse(buffer.getvalue(), content_type="image/png")
    response["Content-Disposition"] = content_disposition_header(True, f"{region.name}需求征集二维码.png")
    return response


# ---------------------------------------------------------------- withdrawal (作废) and history


def _history_tab(request, obj) -> dict:
    """The 详情 / 变更记录 tabs of a record's page (``?tab=history``)."""
    if request.GET.get("tab") != "history":
        return {"tab": "detail"}
    return {"tab": "history", "history": entries_of(obj)}


WITHDRAWABLE = {
    Need: {
        "can_restore": perms.need_can_restore,
        "withdraw": services.need_withdraw,
        "restore": services.need_restore,
        "can_withdraw": perms.need_can_withdraw,
        "list": "needs:need_list",
        "detail": "needs:need_detail",
        "label": _lazy("企业需求"),
        "arg": "need",
    },
    Lead: {
        "can_restore": perms.lead_can_restore,
        "withdraw": services.lead_withdraw,
        "restore": services.lead_restore,
        "can_withdraw": perms.lead_can_withdraw,
        "list": "needs:lead_list",
        "detail": "needs:lead_detail",
        "label": _lazy("需求线索"),
        "arg": "lead",
    },
}


def _withdrawn_page(request, model, pk):
    """A withdrawn need or lead, for who may restore it or withdrew it; otherwise 404."""
    obj = model.all_objects.withdrawn().filter(pk=pk).first()
    how = WITHDRAWABLE[model]
    if obj is None or not (how["can_restore"](request.user, obj) or obj.withdrawn_by_id == request.user.pk):
        raise Http404(_("记录不存在，或不在你的查看范围内"))
    restore = f"{how['detail'].rsplit('_', 1)[0]}_restore"
    context = {
        "obj": obj,
        "title": str(obj),
        "list_url": reverse(how["list"]),
        "list_label": how["label"],
        "restore_url": reverse(restore, args=[obj.pk]) if how["can_restore"](request.user, obj) else None,
        "history": entries_of(obj),
    }
    return render(request, "web/withdrawn_detail.html", context)


def _withdraw(request, model, pk, visible):
    obj = visible(user=request.user, pk=pk)
    if obj is None:
        raise Http404(_("记录不存在，或不在你的查看范围内"))
    how = WITHDRAWABLE[model]
    if not how["can_withdraw"](request.user, obj):
        raise PermissionDenied(_("你不能作废这条记录"))
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with audit_source("web"):
                how["withdraw"](**{how["arg"]: obj}, reason=form.cleaned_data["reason"], by=request.user)
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("已作废：%(title)s（市级管理员可以恢复）") % {"title": obj})
            return redirect(how["list"])
    context = {"obj": obj, "title": str(obj), "form": form, "cancel_url": reverse(how["detail"], args=[obj.pk])}
    return render(request, "web/record_withdraw.html", context)


def _restore(request, model, pk):
    obj = model.all_objects.withdrawn().filter(pk=pk).first()
    how = WITHDRAWABLE[model]
    if obj is None:
        raise Http404(_("记录不存在，或不在你的查看范围内"))
    if not how["can_restore"](request.user, obj):
        raise PermissionDenied(_("只有市级管理员可以恢复作废的记录"))
    try:
        with audit_source("web"):
            how["restore"](**{how["arg"]: obj}, by=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已恢复：%(title)s") % {"title": obj})
    return redirect(how["detail"], obj.pk)


@login_required
@require_http_methods(["GET", "POST"])
def need_withdraw(request, pk):
    return _withdraw(request, Need, pk, selectors.need_detail)


@login_required
@require_POST
def need_restore(request, pk):
    return _restore(request, Need, pk)


@login_required
@require_http_methods(["GET", "POST"])
def lead_withdraw(request, pk):
    return _withdraw(request, Lead, pk, selectors.lead_detail)


@login_required
@require_POST
def lead_restore(request, pk):
    return _restore(request, Lead, pk)

"""Target pages: the batch's targets with progress, pace and forecast (and a chart); setting, revising
and the margin for city administrators. Thin: selectors read, services write."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from techmayor.core.audit import audit_source
from techmayor.core.errors import ApplicationError
from techmayor.core.history import entries_of
from techmayor.roster.models import Batch
from techmayor.roster.selectors import current_batch, group_list

from . import selectors, services
from .forms import MarginForm, ReviseForm, TargetForm
from .models import Target


def _int(text) -> int:
    try:
        return int(text)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc


def _batch(request) -> Batch:
    batch = current_batch(request.user)
    if request.GET.get("batch"):
        batch = Batch.objects.select_related("city").filter(pk=_int(request.GET["batch"])).first()
        if batch is None:
            raise Http404(_("没有这个批次"))
    if batch is None or not group_list(user=request.user, batch=batch).exists():
        raise PermissionDenied(_("你没有可查看的支团目标"))
    return batch


def _page(request, batch, *, form=None, margin_form=None, status=200):
    readable = list(group_list(user=request.user, batch=batch))
    groups = None
    chosen = None
    if request.GET.get("group"):
        chosen = next((g for g in readable if g.pk == _int(request.GET["group"])), None)
        if chosen is None:
            raise Http404(_("支团不存在，或不在你的查看范围内"))
        groups = [chosen]
    progress = selectors.progress_list(
        selectors.visible_targets(user=request.user, batch=batch, groups=groups), batch=batch
    )
    can_set = services.can_set_targets(request.user, batch)
    context = {
        "batch": batch,
        "progress": progress,
        "behind": selectors.behind_list(progress),
        "readable": readable,
        "chosen_group": chosen,
        "margin": services.margin_of(batch.city),
        "can_set": can_set,
        "form": form or (TargetForm(batch=batch) if can_set else None),
        "margin_form": margin_form
        or (MarginForm(initial={"margin": services.margin_of(batch.city)}) if can_set else None),
        "charts": {"targets": [p.chart for p in progress], "text": _chart_text()},
        "as_of": progress[0].as_of if progress else None,
    }
    return render(request, "targets/target_list.html", context, status=status)


def _chart_text() -> dict:
    return {
        "actual": _("实际完成"),
        "pace": _("时序进度"),
        "forecast": _("预计"),
        "band": _("预计区间"),
        "target": _("目标"),
        "low": _("预计下限"),
    }


@login_required
@require_GET
def target_list(request):
    """/targets/[?batch=&group=]: the targets the reader may see, each with progress, pace and forecast."""
    return _page(request, _batch(request))


@login_required
@require_POST
def target_set(request):
    batch = _batch(request)
    if not services.can_set_targets(request.user, batch):
        raise PermissionDenied(_("只有本批次所属城市的管理员可以设定目标"))
    form = TargetForm(request.POST, batch=batch)
    if form.is_valid():
        data = form.cleaned_data
        try:
            with audit_source("web"):
                target = services.target_set(
                    batch=batch,
                    metric=data["metric"],
                    value=data["value"],
                    group=data["group"],
                    member=data["member"],
                    reason=data["reason"],
                    by=request.user,
                )
        except ApplicationError as err:
            form.add_service_error(err)
        else:
            messages.success(request, _("已保存目标：%(target)s") % {"target": target})
            return redirect(f"{reverse('targets:target_list')}?batch={batch.pk}")
    return _page(request, batch, form=form, status=400)


@login_required
@require_POST
def margin_set(request):
    batch = _batch(request)
    if not services.can_set_targets(request.user, batch):
        raise PermissionDenied(_("只有本批次所属城市的管理员可以设置滞后容差"))
    form = MarginForm(request.POST)
    if form.is_valid():
        try:
            with audit_source("web"):
                services.target_margin_set(city=batch.city, margin=form.cleaned_data["margin"], by=request.user)
        except ApplicationError as err:
            form.add_service_error(err)
        else:
            messages.success(request, _("已设置滞后容差"))
            return redirect(f"{reverse('targets:target_list')}?batch={batch.pk}")
    return _page(request, batch, margin_form=form, status=400)


def _target(request, pk) -> Target:
    target = Target.objects.select_related("batch__city", "group", "member").filter(pk=pk).first()
    if target is None:
        raise Http404(_("目标不存在，或不在你的查看范围内"))
    visible = selectors.visible_targets(user=request.user, batch=target.batch).filter(pk=pk).exists()
    if not visible:
        raise Http404(_("目标不存在，或不在你的查看范围内"))
    return target


def _detail(request, target, *, form=None, status=200):
    can_set = services.can_set_targets(request.user, target.batch)
    progress = selectors.progress_list([target], batch=target.batch)[0]
    context = {
        "target": target,
        "p": progress,
        "history": entries_of(target),
        "can_set": can_set,
        "form": form or (ReviseForm(initial={"value": target.value.normalize()}) if can_set else None),
        "charts": {"targets": [progress.chart], "text": _chart_text()},
    }
    return render(request, "targets/target_detail.html", context, status=status)


@login_required
@require_GET
def target_detail(request, pk):
    """/targets/<pk>/: one target's progress, chart and history (every revision with its reason)."""
    return _detail(request, _target(request, pk))


@login_required
@require_POST
def target_revise(request, pk):
    target = _target(request, pk)
    if not services.can_set_targets(request.user, target.batch):
        raise PermissionDenied(_("只有本批次所属城市的管理员可以调整目标"))
    form = ReviseForm(request.POST)
    if form.is_valid():
        try:
            with audit_source("web"):
                services.target_revise(
                    target=target, value=form.cleaned_data["value"], reason=form.cleaned_data["reason"], by=request.user
                )
        except ApplicationError as err:
            form.add_service_error(err)
        else:
            messages.success(request, _("已调整目标"))
            return redirect("targets:target_detail", target.pk)
    return _detail(request, target, form=form, status=400)

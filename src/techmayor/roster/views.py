"""Group and member pages: who serves, their figures (each linked to its records), their recent work."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from techmayor.accounts.scopes import administers
from techmayor.core.audit import audit_source
from techmayor.core.errors import ApplicationError
from techmayor.scorecard.metrics import Scope
from techmayor.scorecard.selectors import figures, month_of

from . import selectors
from .choices import TenureRole
from .models import Batch, Tenure

ROLE_ORDER = {TenureRole.LEADER: 0, TenureRole.DEPUTY: 1, TenureRole.MEMBER: 2}


def _period(request, batch: Batch) -> tuple[str, dt.date | None, dt.date | None]:
    """?period=month (this month, or the batch's last month once it is over) | batch (default) | custom."""
    period = request.GET.get("period", "batch")
    if period == "month":
        start, end = month_of(selectors.reference_day(batch))
        return period, max(start, batch.start_date), min(end, batch.end_date)
    if period == "custom":
        try:
            start = dt.date.fromisoformat(request.GET.get("start", ""))
            end = dt.date.fromisoformat(request.GET.get("end", ""))
        except ValueError:
            return "batch", None, None
        return period, start, end
    return "batch", None, None


@login_required
@require_GET
def group_list(request):
    groups = list(selectors.group_list(user=request.user))
    counts = dict(
        Tenure.objects.filter(group__in=groups).values("group").annotate(n=Count("pk")).values_list("group", "n")
    )
    for g in groups:
        g.member_count = counts.get(g.pk, 0)
    handover = {g.batch_id for g in groups if _may_hand_over(request.user, g.batch)}
    return render(request, "roster/group_list.html", {"groups": groups, "handover_batches": handover})


def _may_hand_over(user, batch: Batch) -> bool:
    return batch.is_active and not batch.is_closed and administers(user, batch.city_id)


def _ids(values) -> list[int]:
    out = []
    for value in values:
        try:
            out.append(int(value))
        except (TypeError, ValueError):
            continue
    return out


def _day(text: str | None, label: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise ApplicationError(_("%(label)s格式应为 YYYY-MM-DD") % {"label": label}, field="start") from exc


@login_required
@require_http_methods(["GET", "POST"])
def batch_handover(request, pk):
    """/roster/batches/<id>/handover/: the handover of an active batch to the next (its city's
    administrators): choose who continues and the new owners, preview, confirm (decision 0021)."""
    from techmayor.needs import handover

    batch = Batch.objects.select_related("city").filter(pk=pk).first()
    if batch is None or not selectors.group_list(user=request.user, batch=batch).exists():
        raise Http404(_("批次不存在，或不在你的查看范围内"))
    if not _may_hand_over(request.user, batch):
        raise PermissionDenied(_("只有本市管理员可以交接当前批次"))
    data = request.POST if request.method == "POST" else request.GET
    plan = error = None
    try:
        start, end = _day(data.get("start"), _("开始日期")), _day(data.get("end"), _("结束日期"))
        continuing = _ids(data.getlist("continuing"))
        plan = handover.handover_plan(batch=batch, continuing=continuing, start=start, end=end)
        assign = {
            item.key: member
            for item in plan.items
            if (member := next(iter(_ids([data.get(f"assign-{item.key}")])), None)) is not None
        }
        handover.assign_owners(plan, assign)
        if request.method == "POST" and data.get("action") == "confirm":
            if data.get("checked") != "yes":
                raise ApplicationError(_("请先勾选“已核对交接清单”"), field="checked")
            with audit_source("web"):
                new = handover.batch_handover(plan=plan, by=request.user)
            messages.success(request, _("交接完成：%(old)s已结束，%(new)s为当前批次") % {"old": batch, "new": new})
            return redirect("roster:group_list")
    except ApplicationError as exc:
        error = exc.message
    context = {"batch": batch, "plan": plan, "error": error, "labels": _kind_labels(), "INTAKE": "intake"}
    return render(request, "roster/batch_handover.html", context, status=200 if error is None else 400)


def _kind_labels() -> dict[str, str]:
    return {
        "need": _("负责的需求"),
        "collaboration": _("协同的需求"),
        "link": _("挂钩服务企业"),
        "intake": _("需求征集入口"),
    }


@login_required
@require_GET
def group_detail(request, pk):
    group = selectors.group_get(user=request.user, pk=pk)
    if group is None:
        raise Http404(_("支团不存在，或不在你的查看范围内"))
    period, start, end = _period(request, group.batch)
    scope = Scope(batch=group.batch, group=group, start=start, end=end)
    tenures = sorted(selectors.group_tenures(group), key=lambda t: (ROLE_ORDER.get(t.role, 9), t.pk))
    from techmayor.ledger.models import Visit

    visits = dict(
        Visit.objects.filter(group=group, date__range=scope.period)
        .values("members")
        .annotate(n=Count("pk"))
        .values_list("members", "n")
    )
    for t in tenures:
        t.visit_count = visits.get(t.member_id, 0)
    context = {
        "group": group,
        "tenures": tenures,
        "figures": figures(scope),
        "period": period,
        "start": scope.period[0],
        "end": scope.period[1],
        "recent": selectors.recent_records(user=request.user, group=group, limit=10),
    }
    return render(request, "roster/group_detail.html", context)


@login_required
@require_GET
def member_detail(request, pk):
    member = selectors.member_get(user=request.user, pk=pk)
    if member is None:
        raise Http404(_("团员不存在，或不在你的查看范围内"))
    tenures = list(
        member.tenures.select_related("batch__city", "group", "dispatch_unit", "local_region").order_by(
            "-batch__start_date"
        )
    )
    tenure = next((t for t in tenures if t.batch.is_active), tenures[0] if tenures else None)
    context = {"member": member, "tenures": tenures, "tenure": tenure, "recent": []}
    if tenure is not None:
        period, start, end = _period(request, tenure.batch)
        scope = Scope(batch=tenure.batch, member=member, start=start, end=end)
        end_day = min(tenure.end_date or tenure.batch.end_date, selectors.reference_day(tenure.batch))
        context.update(
            {
                "figures": figures(scope),
                "period": period,
                "start": scope.period[0],
                "end": scope.period[1],
                "days_served": max(0, (end_day - tenure.start_date).days + 1),
            }
        )
    context["recent"] = selectors.recent_records(user=request.user, member=member)
    context["is_self"] = member.user_id == request.user.pk
    return render(request, "roster/member_detail.html", context)


@login_required
@require_GET
def me(request):
    member = selectors.member_of(request.user)
    if member is None:
        raise Http404(_("你的账号没有关联团员"))
    return redirect("roster:member_detail", member.pk)

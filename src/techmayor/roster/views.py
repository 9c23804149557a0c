"""Group and member pages: who serves, their figures (each linked to its records), their recent work."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

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
    return render(request, "roster/group_list.html", {"groups": groups})


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

"""The home page and the picker's search endpoint."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from techmayor.accounts.choices import Role
from techmayor.accounts.scopes import has_role, reads_whole_city
from techmayor.core import clock
from techmayor.roster.selectors import (
    active_tenure,
    current_batch,
    group_list,
    member_of,
    recent_records,
    reference_day,
    write_context,
)
from techmayor.scorecard.metrics import Scope
from techmayor.scorecard.selectors import HOME_METRICS, figures, month_of

from . import pickers


def todos(user) -> list[dict]:
    """The need loop's to-do items (``needs.selectors.need_todos``) when it is there."""
    try:
        from techmayor.needs.selectors import need_todos
    except (ImportError, AttributeError):
        return []
    try:
        return list(need_todos(user=user))
    except (AttributeError, NotImplementedError):
        return []


def _figure_blocks(user, batch, start, end) -> list[dict]:
    """This month's figures: the user's group (and their own), else what their role oversees."""
    blocks = []
    tenure = active_tenure(user)
    if tenure is not None:
        blocks.append(
            {
                "title": tenure.group.name,
                "url": reverse("roster:group_detail", args=[tenure.group_id]) + "?period=month",
                "figures": figures(Scope(batch=batch, group=tenure.group, start=start, end=end), HOME_METRICS),
            }
        )
        blocks.append(
            {
                "title": _("我本人"),
                "url": reverse("roster:member_detail", args=[tenure.member_id]) + "?period=month",
                "figures": figures(Scope(batch=batch, member=tenure.member, start=start, end=end), HOME_METRICS[:6]),
            }
        )
        return blocks
    if reads_whole_city(user, batch.city_id):
        blocks.append(
            {
                "title": _("全批次"),
                "url": reverse("scorecard:overview") + "?period=month",
                "figures": figures(Scope(batch=batch, start=start, end=end), HOME_METRICS),
            }
        )
        return blocks
    for group in group_list(user=user, batch=batch)[:4]:
        blocks.append(
            {
                "title": group.name,
                "url": reverse("roster:group_detail", args=[group.pk]) + "?period=month",
                "figures": figures(Scope(batch=batch, group=group, start=start, end=end), HOME_METRICS),
            }
        )
    return blocks


@require_GET
def favicon(request):
    """``/favicon.ico``, which browsers and tools ask for whatever the page says: the platform's icon."""
    return redirect(static("web/favicon.svg"), permanent=True)


@login_required
@require_GET
def home(request):
    user = request.user
    batch = current_batch(user)
    tenure = active_tenure(user)
    context = {
        "todos": todos(user),
        "batch": batch,
        "tenure": tenure,
        "member": member_of(user),
        "can_write": write_context(user) is not None,
        "today": clock.today(),
        "today_pinned": clock.pinned_day() is not None,
    }
    if batch is not None:
        day = reference_day(batch)
        start, end = month_of(day)
        start, end = max(start, batch.start_date), min(end, batch.end_date)
        context.update(
            {
                "month_start": start,
                "month_end": end,
                "batch_over": clock.today() > batch.end_date,
                "blocks": _figure_blocks(user, batch, start, end),
            }
        )
        if tenure is not None:
            end_day = min(tenure.end_date or batch.end_date, day)
            context["days_served"] = max(0, (end_day - tenure.start_date).days + 1)
    member = context["member"]
    if member is not None:
        context["recent"] = recent_records(user=user, member=member, limit=10)
        context["recent_title"] = _("我最近的工作")
    else:
        context["recent"] = recent_records(user=user, limit=10)
        context["recent_title"] = _("最近的工作记录")
    context["is_town_staff"] = has_role(user, Role.TOWN_STAFF)
    return render(request, "web/home.html", context)


@login_required
@require_GET
def picker_search(request, source):
    """Search results for a picker (htmx): enterprises by name, pinyin initials or credit code; universities …"""
    if source not in pickers.SOURCES:
        raise Http404
    results = pickers.search(source, user=request.user, text=request.GET.get("q", ""))
    return render(
        request,
        "web/widgets/picker_results.html",
        {"results": results, "q": request.GET.get("q", "").strip(), "source": source},
    )


@login_required
@require_GET
def withdrawn_list(request):
    """已作废记录: the withdrawn records of the cities the user administers, newest first, each with its
    page (reason and history) and a restore button."""
    from django.core.exceptions import PermissionDenied

    from techmayor.accounts.selectors import audit_cities
    from techmayor.core.registry import Withdrawn, registry, safe_reverse

    cities = audit_cities(request.user)
    if not cities:
        raise PermissionDenied(_("只有市级管理员可以查看已作废的记录"))
    entries: list[Withdrawn] = []
    for kind in registry.kinds():
        if not kind.withdrawable:
            continue
        withdrawn = kind.model.all_objects.withdrawn().filter(batch__city__in=cities).select_related("withdrawn_by")
        for obj in withdrawn.order_by("-withdrawn_at")[:200]:
            entries.append(
                Withdrawn(
                    label=kind.verbose_name,
                    title=kind.title(obj),
                    at=obj.withdrawn_at,
                    by=str(obj.withdrawn_by or "—"),
                    reason=obj.withdrawn_reason,
                    url=safe_reverse(kind.url_name("detail"), obj.pk),
                    restore_url=safe_reverse(kind.url_name("restore"), obj.pk),
                )
            )
    for source in registry.withdrawn_sources:
        entries.extend(source(cities=cities))
    entries.sort(key=lambda e: e.at, reverse=True)
    return render(request, "web/withdrawn_list.html", {"entries": entries})

"""The dashboard page (charts from ``selectors.dashboard``), the map's shapes and the ranking switch."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import etag, require_GET, require_POST, require_safe

from techmayor.accounts.scopes import administers, has_role
from techmayor.core.audit import audit_source
from techmayor.roster.models import Batch
from techmayor.roster.selectors import current_batch, group_list, reference_day

from . import selectors, services
from .geo import geo_path, geo_version

FULL_VIEW_ROLES = selectors.FULL_VIEW_ROLES


def _int(text) -> int:
    try:
        return int(text)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc


def can_switch_ranking(user, city) -> bool:
    return administers(user, city.pk)


@login_required
@require_GET
def dashboard(request):
    """/dashboard/[?batch=&group=]: the batch's charts for the groups the reader may see (403 when none)."""
    user = request.user
    batch = current_batch(user)
    if request.GET.get("batch"):
        batch = Batch.objects.select_related("city").filter(pk=_int(request.GET["batch"])).first()
        if batch is None:
            raise Http404(_("没有这个批次"))
    readable = list(group_list(user=user, batch=batch)) if batch else []
    if not readable:
        raise PermissionDenied(_("你没有可查看的支团看板"))
    groups = readable
    reads_whole_batch = whole_batch = len(readable) == batch.groups.count()
    if request.GET.get("group"):
        chosen = _int(request.GET["group"])
        groups = [g for g in groups if g.pk == chosen]
        if not groups:
            raise Http404(_("支团不存在，或不在你的查看范围内"))
        whole_batch = False
    full = has_role(user, *FULL_VIEW_ROLES)
    data = selectors.dashboard(batch=batch, groups=groups, whole_batch=whole_batch, full=full)
    # Every text the charts show comes from here, in the reader's language (the label/value separator too).
    data["text"] = {"lost": _("较上一环节流失"), "noMap": _("地图数据未能加载"), "separator": _("：")}
    context = {
        "batch": batch,
        "groups": groups,
        "all_groups": readable if full else [],
        "chosen_group": groups[0] if request.GET.get("group") else None,
        "data": data,
        "full": full,
        "can_switch_ranking": full and can_switch_ranking(user, batch.city),
        # The monthly ledger download: the reader's groups, this business day's month by default.
        "readable": readable,
        "reads_whole_batch": reads_whole_batch,
        "ledger_month": f"{reference_day(batch):%Y-%m}",
    }
    return render(request, "dashboards/dashboard.html", context)


@login_required
@require_safe
@etag(lambda request, name: geo_version(name) if geo_path(name) else None)
def geo(request, name: str):
    """/dashboard/geo/<name>.json: a city's map shapes, the shipped gzip bytes sent as they are (every
    browser accepts gzip). The URL the page uses carries the file's version, so it is cached for a year."""
    path = geo_path(name)
    if path is None:
        raise Http404(_("没有这个城市的地图"))
    response = FileResponse(path.open("rb"), content_type="application/json", filename=f"{name}.json")
    response["Content-Encoding"] = "gzip"
    patch_cache_control(response, private=True, max_age=365 * 24 * 3600, immutable=True)
    return response


@login_required
@require_POST
def ranking(request):
    """Switch the groups' ranking on or off for the city of the reader's current batch (city administrators)."""
    batch = current_batch(request.user)
    if batch is None or not can_switch_ranking(request.user, batch.city):
        raise PermissionDenied(_("只有市级管理员可以开启或关闭排名"))
    enabled = request.POST.get("enabled") == "1"
    with audit_source("web"):
        services.ranking_set(city=batch.city, enabled=enabled, by=request.user)
    messages.success(request, _("已开启支团排名") if enabled else _("已关闭支团排名"))
    return redirect("dashboards:dashboard")

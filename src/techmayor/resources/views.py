"""Pages of resources: the 科创平台 (platform) directory, a platform's page with its history, adding and
changing one (before only in the admin). Every view checks on the server (``selectors``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from techmayor.core import versions
from techmayor.core.audit import audit_source
from techmayor.core.errors import ApplicationError
from techmayor.core.forms import styled
from techmayor.core.history import entries_of
from techmayor.core.registry import Column, build_row, columns_xlsx, list_context
from techmayor.core.submissions import once

from . import filters, forms, selectors


def _region(p) -> str:
    if not p.region_id:
        return ""
    parent = p.region.parent
    return f"{parent.name} · {p.region.name}" if parent is not None and parent.level != "city" else p.region.name


COLUMNS = [
    Column(_("平台名称"), lambda p: p.name, width=36, role="title"),
    Column(_("类型"), lambda p: p.get_kind_display(), width=18, role="meta"),
    Column(_("依托高校"), lambda p: p.university.name if p.university_id else "", width=24, role="meta"),
    Column(_("所在地"), _region, width=22, role="meta"),
    Column(_("成立日期"), lambda p: p.established_on, width=12),
    Column(_("简介"), lambda p: p.description, width=40, in_list=False),
]


def _filtered(request):
    if not selectors.can_read_platforms(request.user):
        raise PermissionDenied(_("你没有查看科创平台的权限"))
    queryset = selectors.platform_list(user=request.user)
    filterset = filters.PlatformFilterSet(request.GET or None, queryset=queryset, request=request)
    styled(filterset.form)
    return filterset, filterset.qs


@login_required
@require_GET
def platform_list(request):
    filterset, records = _filtered(request)
    context = list_context(
        request,
        kind={"label": _("科创平台"), "icon": "bi-bank", "verbose_name": _("科创平台")},
        columns=COLUMNS,
        filterset=filterset,
        records=records,
        row=lambda p: build_row(COLUMNS, p, reverse("resources:platform_detail", args=[p.pk])),
        can_create=selectors.can_create_platform(request.user),
        create_url=reverse("resources:platform_create"),
        export_url=reverse("resources:platform_export"),
    )
    return render(request, "web/record_list.html", context)


@login_required
@require_GET
def platform_export(request):
    _filterset, records = _filtered(request)
    return columns_xlsx(request, _("科创平台"), COLUMNS, records)


def _get(request, pk):
    platform = selectors.platform_get(user=request.user, pk=pk)
    if platform is None:
        raise Http404(_("科创平台不存在，或不在你的查看范围内"))
    return platform


@login_required
@require_GET
def platform_detail(request, pk):
    platform = _get(request, pk)
    tab = "history" if request.GET.get("tab") == "history" else "detail"
    context = {
        "platform": platform,
        "region": _region(platform),
        "can_edit": selectors.can_edit_platform(request.user, platform),
        "tab": tab,
        "history": entries_of(platform) if tab == "history" else [],
    }
    return render(request, "resources/platform_detail.html", context)


def _form_page(request, form, *, title, cancel_url, platform=None):
    context = {"form": form, "title": title, "cancel_url": cancel_url, "platform": platform}
    return render(request, "resources/platform_form.html", context)


@login_required
@once
def platform_create(request):
    if not selectors.can_create_platform(request.user):
        raise PermissionDenied(_("你没有新建科创平台的权限"))
    form = forms.PlatformForm(request.POST or None, user=request.user, initial={"name": request.GET.get("name", "")})
    if request.method == "POST" and form.is_valid():
        try:
            with audit_source("web"):
                platform = form.save(by=request.user)
        except ApplicationError as err:
            form.add_service_error(err)
        else:
            messages.success(request, _("已新建科创平台：%(name)s") % {"name": platform.name})
            return redirect("resources:platform_detail", platform.pk)
    return _form_page(request, form, title=_("新建科创平台"), cancel_url=reverse("resources:platform_list"))


@login_required
def platform_edit(request, pk):
    platform = _get(request, pk)
    if not selectors.can_edit_platform(request.user, platform):
        raise PermissionDenied(_("你不能修改这个科创平台：只有添加人和所在城市的管理员可以修改"))
    form = versions.attach(forms.PlatformForm(request.POST or None, user=request.user, instance=platform), platform)
    if request.method == "POST" and form.is_valid():
        try:
            with audit_source("web"), transaction.atomic():
                current = versions.check(form, platform)
                if current is not None:
                    form.instance = current
                    form.save(by=request.user)
        except ApplicationError as err:
            form.add_service_error(err)
        else:
            if current is not None:
                messages.success(request, _("已保存"))
                return redirect("resources:platform_detail", platform.pk)
    cancel = reverse("resources:platform_detail", args=[pk])
    return _form_page(request, form, title=_("修改科创平台"), cancel_url=cancel, platform=platform)

"""Pages of the policy library (政策库): the list with search and filters, a policy's page with its
files and history, adding and changing entries (city administrators)."""

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
from techmayor.core.attachments import attachments_of
from techmayor.core.audit import audit_source
from techmayor.core.errors import ApplicationError
from techmayor.core.forms import styled
from techmayor.core.history import entries_of
from techmayor.core.registry import Column, build_row, columns_xlsx, list_context
from techmayor.core.submissions import once

from . import filters, forms, selectors

COLUMNS = [
    Column(_("政策名称"), lambda p: p.title, width=40, role="title"),
    Column(_("层级"), lambda p: p.get_level_display(), width=8, role="meta"),
    Column(_("发文机关"), lambda p: p.issuer, width=24, role="meta"),
    Column(_("文号"), lambda p: p.document_number, width=20),
    Column(_("发布日期"), lambda p: p.issued_on, width=12, role="meta"),
    Column(_("有效性"), lambda p: p.get_validity_display(), width=8),
    Column(_("有效期起"), lambda p: p.valid_from, width=12, in_list=False),
    Column(_("有效期止"), lambda p: p.valid_to, width=12, in_list=False),
    Column(_("标签"), lambda p: _("、").join(p.tag_list), width=24, in_list=False),
    Column(_("主要内容"), lambda p: p.summary, width=50, in_list=False),
    Column(_("原文链接"), lambda p: p.source_url, width=30, in_list=False),
]


def _filtered(request):
    if not selectors.can_read_policies(request.user):
        raise PermissionDenied(_("你没有查看政策库的权限"))
    queryset = selectors.policy_list(user=request.user)
    filterset = filters.PolicyFilterSet(request.GET or None, queryset=queryset, request=request)
    styled(filterset.form)
    return filterset, filterset.qs


@login_required
@require_GET
def policy_list(request):
    filterset, records = _filtered(request)
    context = list_context(
        request,
        kind={"label": _("政策库"), "icon": "bi-journal-bookmark", "verbose_name": _("政策")},
        columns=COLUMNS,
        filterset=filterset,
        records=records,
        row=lambda p: build_row(COLUMNS, p, reverse("policies:policy_detail", args=[p.pk])),
        can_create=selectors.can_manage_policies(request.user),
        create_url=reverse("policies:policy_create"),
        export_url=reverse("policies:policy_export"),
    )
    return render(request, "web/record_list.html", context)


@login_required
@require_GET
def policy_export(request):
    _filterset, records = _filtered(request)
    return columns_xlsx(request, _("政策库"), COLUMNS, records)


def _get(request, pk):
    policy = selectors.policy_get(user=request.user, pk=pk)
    if policy is None:
        raise Http404(_("政策不存在，或不在你的查看范围内"))
    return policy


@login_required
@require_GET
def policy_detail(request, pk):
    policy = _get(request, pk)
    tab = "history" if request.GET.get("tab") == "history" else "detail"
    context = {
        "policy": policy,
        "attachments": list(attachments_of(policy)),
        "can_edit": selectors.can_manage_policies(request.user),
        "tab": tab,
        "history": entries_of(policy) if tab == "history" else [],
    }
    return render(request, "policies/policy_detail.html", context)


def _form_page(request, form, *, title, cancel_url, policy=None):
    context = {"form": form, "title": title, "cancel_url": cancel_url, "policy": policy}
    return render(request, "policies/policy_form.html", context)


@login_required
@once
def policy_create(request):
    if not selectors.can_manage_policies(request.user):
        raise PermissionDenied(_("只有市级管理员可以维护政策库"))
    form = forms.PolicyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            with audit_source("web"), transaction.atomic():
                policy = form.save(by=request.user)
        except ApplicationError as err:
            form.add_service_error(err)
        else:
            messages.success(request, _("已加入政策库：%(title)s") % {"title": policy.title})
            return redirect("policies:policy_detail", policy.pk)
    return _form_page(request, form, title=_("新增政策"), cancel_url=reverse("policies:policy_list"))


@login_required
def policy_edit(request, pk):
    policy = _get(request, pk)
    if not selectors.can_manage_policies(request.user):
        raise PermissionDenied(_("只有市级管理员可以维护政策库"))
    form = versions.attach(forms.PolicyForm(request.POST or None, request.FILES or None, instance=policy), policy)
    if request.method == "POST" and form.is_valid():
        try:
            with audit_source("web"), transaction.atomic():
                current = versions.check(form, policy)
                if current is not None:
                    form.instance = current
                    form.save(by=request.user)
        except ApplicationError as err:
            form.add_service_error(err)
        else:
            if current is not None:
                messages.success(request, _("已保存"))
                return redirect("policies:policy_detail", policy.pk)
    cancel = reverse("policies:policy_detail", args=[pk])
    return _form_page(request, form, title=_("修改政策"), cancel_url=cancel, policy=policy)

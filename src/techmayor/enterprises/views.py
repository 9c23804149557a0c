"""Enterprise pages: the list (search by name, pinyin initials, credit code), the profile with tags,
contacts and the timeline of the program's work, adding and editing (the pages of 挂钩服务 links are
built by ``web`` from the kind in ``records.py``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from techmayor.core import versions
from techmayor.core.audit import audit_source
from techmayor.core.errors import ApplicationError
from techmayor.core.forms import styled
from techmayor.core.registry import Column, build_row, columns_xlsx, list_context
from techmayor.core.submissions import once
from techmayor.roster.selectors import write_context

from . import filters, forms, selectors, services
from .timeline import enterprise_timeline

# --- enterprises ------------------------------------------------------------------------------


def _tags(e) -> str:
    return _("、").join(str(t) for t in e.tags.all())  # the list separator: ", " in English


def _region(e) -> str:
    if not e.region_id:
        return ""
    parent = e.region.parent
    return f"{parent.name} · {e.region.name}" if parent is not None and parent.level != "city" else e.region.name


COLUMNS = [
    Column(_("企业名称"), lambda e: e.name, width=36, role="title"),
    Column(_("统一社会信用代码"), lambda e: e.credit_code or "", width=22),
    Column(_("所在地"), _region, width=22, role="meta"),
    Column(_("所属行业"), lambda e: str(e.industry) if e.industry_id else "", width=24, in_list=False),
    Column(_("企业标签"), _tags, width=24, role="meta"),
    Column(_("地址"), lambda e: e.address, width=30, in_list=False),
    Column(_("简介"), lambda e: e.description, width=40, in_list=False),
]


def _filtered(request):
    queryset = selectors.enterprise_list(user=request.user)
    filterset = filters.EnterpriseFilterSet(request.GET or None, queryset=queryset, request=request)
    styled(filterset.form)
    return filterset, filterset.qs


@login_required
@require_GET
def enterprise_list(request):
    filterset, records = _filtered(request)
    context = list_context(
        request,
        kind={"label": _("企业"), "icon": "bi-buildings", "verbose_name": _("企业")},
        columns=COLUMNS,
        filterset=filterset,
        records=records,
        row=lambda e: build_row(COLUMNS, e, reverse("enterprises:enterprise_detail", args=[e.pk])),
        can_create=selectors.can_create_enterprise(request.user),
        create_url=reverse("enterprises:enterprise_create"),
        export_url=reverse("enterprises:enterprise_export"),
    )
    return render(request, "web/record_list.html", context)


@login_required
@require_GET
def enterprise_export(request):
    _filterset, records = _filtered(request)
    return columns_xlsx(request, _("企业"), COLUMNS, records)


def _get(request, pk):
    enterprise = selectors.enterprise_get(user=request.user, pk=pk)
    if enterprise is None:
        raise Http404(_("企业不存在，或不在你的查看范围内"))
    return enterprise


def _detail(request, enterprise, **bound_forms):
    entries, hidden = enterprise_timeline(enterprise=enterprise, user=request.user)
    can_edit = selectors.can_edit_enterprise(request.user, enterprise)
    context = {
        "enterprise": enterprise,
        "region": _region(enterprise),
        "contacts": list(enterprise.contacts.order_by("id")),
        "links": list(selectors.enterprise_link_list(user=request.user).filter(enterprise=enterprise)),
        "entries": entries,
        "hidden": hidden,
        "can_edit": can_edit,
        "can_log": write_context(request.user) is not None,
        "duplicates": _page_duplicates(request.user, enterprise),
        "contact_form": forms.ContactForm() if can_edit else None,
        "tag_form": forms.TagForm() if can_edit else None,
        **bound_forms,
    }
    return render(request, "enterprises/enterprise_detail.html", context)


def _page_duplicates(user, enterprise) -> list:
    """For administrators: the enterprises of their scope that may be the same company, with a score."""
    if not selectors.can_review_duplicates(user):
        return []
    return services.enterprise_similar(
        name=enterprise.name, queryset=selectors.enterprise_list(user=user), exclude=[enterprise.pk]
    )


@login_required
@require_GET
def enterprise_detail(request, pk):
    return _detail(request, _get(request, pk))


def _similar(user, name: str, code: str, exclude=()) -> list:
    """(enterprise, score) pairs that may be the company being entered, among those the user may pick."""
    if not name and not code:
        return []
    try:
        code = services.clean_credit_code(code)
    except ApplicationError:
        code = None
    return services.enterprise_similar(
        name=name, credit_code=code, queryset=selectors.enterprise_pickable(user=user), exclude=exclude
    )


def _duplicates(request, form, exclude=()) -> list:
    data = form.data if form.is_bound else form.initial
    return _similar(request.user, data.get("name", "") or "", data.get("credit_code", "") or "", exclude)


@login_required
@require_GET
def enterprise_duplicates(request):
    """As the user types an enterprise's name or credit code: the ones it may duplicate, with a score (htmx)."""
    try:
        exclude = [int(request.GET["exclude"])] if request.GET.get("exclude") else []
    except ValueError:
        exclude = []
    name, code = request.GET.get("name", "").strip()[:150], request.GET.get("credit_code", "").strip()[:30]
    duplicates = _similar(request.user, name, code, exclude) if selectors.can_create_enterprise(request.user) else []
    return render(request, "enterprises/_duplicates.html", {"duplicates": duplicates})


@login_required
@once
def enterprise_create(request):
    if not selectors.can_create_enterprise(request.user):
        raise PermissionDenied(_("你没有新建企业的权限"))
    form = forms.EnterpriseForm(request.POST or None, user=request.user, initial={"name": request.GET.get("name", "")})
    if request.method == "POST" and form.is_valid():
        try:
            with audit_source("web"):
                enterprise = form.save(by=request.user)
        except ApplicationError as err:
            form.add_service_error(err)
        else:
            messages.success(request, _("已新建企业：%(name)s") % {"name": enterprise.name})
            return redirect("enterprises:enterprise_detail", enterprise.pk)
    duplicates = _duplicates(request, form) if form.is_bound else []
    return render(
        request,
        "enterprises/enterprise_form.html",
        {
            "form": form,
            "duplicates": duplicates,
            "title": _("新建企业"),
            "cancel_url": reverse("enterprises:enterprise_list"),
        },
    )


@login_required
def enterprise_edit(request, pk):
    enterprise = _get(request, pk)
    if not selectors.can_edit_enterprise(request.user, enterprise):
        raise PermissionDenied(_("你不能修改这家企业的资料"))
    form = versions.attach(
        forms.EnterpriseForm(request.POST or None, user=request.user, instance=enterprise), enterprise
    )
    if request.method == "POST" and form.is_valid():
        try:
            with audit_source("web"), transaction.atomic():
                current = versions.check(form, enterprise)
                if current is not None:
                    form.instance = current
                    form.save(by=request.user)
        except ApplicationError as err:
            form.add_service_error(err)
        else:
            if current is not None:
                messages.success(request, _("已保存"))
                return redirect("enterprises:enterprise_detail", enterprise.pk)
    return render(
        request,
        "enterprises/enterprise_form.html",
        {
            "form": form,
            "enterprise": enterprise,
            "duplicates": _duplicates(request, form, exclude=[enterprise.pk]),
            "title": _("修改企业资料"),
            "cancel_url": reverse("enterprises:enterprise_detail", args=[pk]),
        },
    )


def _edit_guard(request, pk):
    enterprise = _get(request, pk)
    if not selectors.can_edit_enterprise(request.user, enterprise):
        raise PermissionDenied(_("你不能修改这家企业的资料"))
    return enterprise


@login_required
@require_POST
@once
def contact_add(request, pk):
    enterprise = _edit_guard(request, pk)
    form = forms.ContactForm(request.POST)
    if form.is_valid():
        try:
            with audit_source("web"):
                services.contact_add(enterprise=enterprise, by=request.user, **form.cleaned_data)
        except ApplicationError as err:
            form.add_service_error(err)
        else:
            messages.success(request, _("已添加联系人"))
            return redirect("enterprises:enterprise_detail", enterprise.pk)
    return _detail(request, enterprise, contact_form=form)


@login_required
@require_POST
def tag_set(request, pk):
    enterprise = _edit_guard(request, pk)
    form = forms.TagForm(request.POST)
    if form.is_valid():
        try:
            with audit_source("web"):
                services.enterprise_tag_set(enterprise=enterprise, by=request.user, **form.cleaned_data)
        except ApplicationError as err:
            form.add_service_error(err)
        else:
            messages.success(request, _("已保存企业标签"))
            return redirect("enterprises:enterprise_detail", enterprise.pk)
    return _detail(request, enterprise, tag_form=form)

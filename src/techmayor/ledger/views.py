"""Ledger pages: the index of every kind of record and the quick visit log (the other pages are built
by ``web`` from the kinds in ``records.py``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from techmayor.core.audit import LATE_ENTRY, audit_note, audit_source
from techmayor.core.errors import ApplicationError
from techmayor.core.registry import registry
from techmayor.core.submissions import once
from techmayor.enterprises.selectors import enterprise_pickable, enterprise_region_choices
from techmayor.enterprises.services import clean_credit_code, enterprise_similar
from techmayor.roster.selectors import entry_context, write_context

from . import forms
from .records import KINDS, VISIT

# --- the ledger index -----------------------------------------------------------------------------


@login_required
@require_GET
def record_index(request):
    """Every kind of record: how many the user may see, a link to the list and (for writers) to log one."""
    can_write = write_context(request.user) is not None
    sections = []
    for title, kinds in (
        (_("企业服务"), [VISIT, *registry.kinds("enterprises")]),
        (_("工作台账"), KINDS[1:]),
        (_("产学研合作"), registry.kinds("cooperation")),
    ):
        items = [{"kind": k, "count": k.queryset(user=request.user).count(), "list_url": k.url("list")} for k in kinds]
        sections.append({"title": title, "items": items})
    return render(request, "ledger/record_index.html", {"sections": sections, "can_write": can_write})


# --- the quick visit log ---------------------------------------------------------------------------


def _duplicates_for(user, name: str, code: str) -> list:
    """(enterprise, score) pairs that look like the one being created, among those the user may pick."""
    if not name and not code:
        return []
    try:
        code = clean_credit_code(code) if code else None
    except ApplicationError:
        code = None
    return enterprise_similar(name=name or "", credit_code=code, queryset=enterprise_pickable(user=user))


def _render_visit_log(request, form, status=200, late_batch=None):
    data = form.data if form.is_bound else {}
    duplicates = _duplicates_for(request.user, data.get("new_name", ""), data.get("new_credit_code", ""))
    context = {
        "form": form,
        "kind": VISIT,
        "duplicates": duplicates if form.is_bound else [],
        "regions": enterprise_region_choices(request.user),
        "need_rows": form.need_rows or [{"title": "", "raw_text": ""}],
        "late_batch": late_batch,
    }
    return render(request, "ledger/visit_log.html", context, status=status)


@login_required
@once
def visit_log(request):
    """走访登记: one form on a phone — enterprise, date, fellow members, notes, needs found."""
    ctx, late_batch = entry_context(request.user, request.GET.get("batch"))
    if ctx is None:
        raise PermissionDenied(_("你没有登记走访的权限"))
    if request.method != "POST":
        initial = {}
        if request.GET.get("enterprise", "").isdigit():
            initial["enterprise"] = request.GET["enterprise"]
        form = forms.VisitLogForm(ctx=ctx, user=request.user, initial=initial)
        return _render_visit_log(request, form, late_batch=late_batch)
    form = forms.VisitLogForm(request.POST, ctx=ctx, user=request.user)
    if not form.is_valid():
        return _render_visit_log(request, form, late_batch=late_batch)
    try:
        with audit_source("web"), audit_note(LATE_ENTRY if late_batch else ""):
            visit, leads = form.save(by=request.user)
    except ApplicationError as err:
        form.add_service_error(err)
        return _render_visit_log(request, form, late_batch=late_batch)
    text = _("已登记走访：%(name)s") % {"name": visit.enterprise.name}
    if late_batch is not None:
        text = _("已补录到%(batch)s：%(title)s") % {"batch": late_batch, "title": text}
    if leads:
        text += _("，发现需求 %(n)d 条（线索编号 %(refs)s）") % {
            "n": len(leads),
            "refs": _("、").join(lead.reference for lead in leads),
        }
    messages.success(request, text)
    if request.POST.get("next") == "again":
        again = reverse("ledger:visit_create")
        return redirect(again + f"?batch={late_batch.pk}" if late_batch is not None else again)
    return redirect(VISIT.detail_url(visit))


@login_required
@require_GET
def visit_need_row(request):
    """One more empty "need found" row for the visit form (htmx)."""
    return render(request, "ledger/_need_row.html", {"row": {"title": "", "raw_text": ""}})


@login_required
@require_GET
def enterprise_duplicates_check(request):
    """As the user types a new enterprise's name or credit code: the existing ones it may duplicate (htmx)."""
    name = request.GET.get("new_name", "").strip()
    code = request.GET.get("new_credit_code", "").strip()
    duplicates = _duplicates_for(request.user, name, code)
    return render(request, "ledger/_duplicates.html", {"duplicates": duplicates, "checked": bool(name or code)})

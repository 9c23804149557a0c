"""One description per kind of record (visits, events, agreements …) drives its list, detail,
export, create and edit pages: the selector that scopes it, its FilterSet, its columns, its form.

Every view here checks on the server: a record outside the user's read scope is a 404, a write
the user may not make is a 403 (``roster.selectors`` has the rules).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views import View

from techmayor.core.audit import audit_source
from techmayor.core.errors import ApplicationError
from techmayor.core.exports import xlsx_response
from techmayor.roster.selectors import can_edit_record, write_context

from .forms import styled
from .lists import PAGE_SIZES, paginate


@dataclass(frozen=True)
class Column:
    """One column of a list page and of its export. ``value`` must use only prefetched data."""

    label: str
    value: Callable[[Any], Any]
    width: int = 14
    role: str = ""  # "title": the linked main line on phones; "meta": the small line under it; "": table only
    in_list: bool = True  # False: in the export and the detail page only
    number: bool = False


def display(value) -> str:
    """A cell's value as the HTML list shows it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, dt.date):
        return date_format(value, "Y-m-d")
    return str(value)


def build_row(columns: list[Column], obj, url: str | None) -> dict:
    """One row of a list: the cells of the table (wide screens) and a title and meta line (phones)."""
    values = [(c, c.value(obj)) for c in columns]
    cells = [{"text": display(v), "title": c.role == "title", "number": c.number} for c, v in values if c.in_list]
    title = next((display(v) for c, v in values if c.role == "title"), str(obj))
    meta = " · ".join(display(v) for c, v in values if c.role == "meta" and v not in (None, "", False))
    return {"obj": obj, "url": url, "cells": cells, "title": title, "meta": meta}


def members_text(obj) -> str:
    return "、".join(m.name for m in obj.members.all())


@dataclass
class RecordKind:
    key: str  # URL names are "<app>:<key>_list", "_detail", "_create", "_edit", "_export"
    app: str
    model: type
    queryset: Callable[..., Any]  # (user=) → the scoped queryset with what the columns need
    filterset: type
    columns: list[Column]
    form: type | None = None
    icon: str = "bi-journal-text"
    detail_template: str = "web/record_detail.html"
    detail_context: Callable[..., dict] | None = None  # (request, obj) → extra context for the detail page
    create_view: Any = None  # a custom create view (visits)
    title: Callable[[Any], str] = str
    extra: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    @property
    def verbose_name(self) -> str:
        return str(self.model._meta.verbose_name)

    def url_name(self, action: str) -> str:
        return f"{self.app}:{self.key}_{action}"

    def url(self, action: str, *args) -> str:
        return reverse(self.url_name(action), args=args)

    @property
    def url_list(self) -> str:
        return self.url("list")

    def detail_url(self, obj) -> str:
        return self.url("detail", obj.pk)

    def row(self, obj) -> dict:
        return build_row(self.columns, obj, self.detail_url(obj))

    def urls(self, prefix: str) -> list:
        """URL patterns for the kind under ``prefix`` (e.g. "events/")."""
        patterns = [
            path(f"{prefix}", RecordListView.as_view(kind=self), name=f"{self.key}_list"),
            path(f"{prefix}export/", RecordExportView.as_view(kind=self), name=f"{self.key}_export"),
            path(f"{prefix}<int:pk>/", RecordDetailView.as_view(kind=self), name=f"{self.key}_detail"),
        ]
        if self.form is not None:
            create = self.create_view or RecordCreateView.as_view(kind=self)
            patterns += [
                path(f"{prefix}new/", create, name=f"{self.key}_create"),
                path(f"{prefix}<int:pk>/edit/", RecordEditView.as_view(kind=self), name=f"{self.key}_edit"),
            ]
        return patterns


class KindView(LoginRequiredMixin, View):
    kind: RecordKind = None  # type: ignore[assignment]
    raise_exception = False

    def get_object(self):
        try:
            pk = int(self.kwargs["pk"])
        except (TypeError, ValueError) as exc:
            raise Http404 from exc
        obj = self.kind.queryset(user=self.request.user).filter(pk=pk).first()
        if obj is None:
            raise Http404(_("记录不存在，或不在你的查看范围内"))
        return obj


def filtered(kind: RecordKind, request):
    queryset = kind.queryset(user=request.user)
    filterset = kind.filterset(request.GET or None, queryset=queryset, request=request)
    styled(filterset.form)
    return filterset, filterset.qs


class RecordListView(KindView):
    template_name = "web/record_list.html"

    def get(self, request):
        kind = self.kind
        filterset, records = filtered(kind, request)
        page = paginate(request, records)
        rows = [kind.row(obj) for obj in page]
        can_create = kind.form is not None and write_context(request.user) is not None
        context = {
            "kind": kind,
            "filterset": filterset,
            "page": page,
            "rows": rows,
            "headers": [c for c in kind.columns if c.in_list],
            "page_sizes": PAGE_SIZES,
            "can_create": can_create,
            "create_url": kind.url("create") if can_create else None,
            "export_url": kind.url("export"),
            "filtered": any(v for k, v in request.GET.items() if k not in ("page", "per_page")),
        }
        return render(request, self.template_name, context)


class RecordExportView(KindView):
    def get(self, request):
        kind = self.kind
        _filterset, records = filtered(kind, request)
        headers = [c.label for c in kind.columns]
        rows = ([c.value(obj) for c in kind.columns] for obj in records.iterator(chunk_size=500))
        return xlsx_response(kind.label, kind.label, headers, rows, [c.width for c in kind.columns])


def render_detail(kind: RecordKind, request, obj, **extra):
    """The detail page of ``obj`` (already checked to be in the user's scope)."""
    context = {
        "kind": kind,
        "obj": obj,
        "title": kind.title(obj),
        "fields": [(c.label, display(c.value(obj))) for c in kind.columns],
        "can_edit": kind.form is not None and can_edit_record(request.user, obj),
    }
    if context["can_edit"]:
        context["edit_url"] = kind.url("edit", obj.pk)
    if kind.detail_context:
        context.update(kind.detail_context(request, obj))
    context.update(extra)
    return render(request, kind.detail_template, context)


class RecordDetailView(KindView):
    def get(self, request, pk):
        return render_detail(self.kind, request, self.get_object())


class RecordFormMixin:
    template_name = "web/record_form.html"

    def render_form(self, form, obj=None):
        return render(
            self.request,
            self.template_name,
            {"kind": self.kind, "form": form, "obj": obj, "cancel_url": self.cancel_url(obj)},
        )

    def cancel_url(self, obj=None) -> str:
        return self.kind.detail_url(obj) if obj is not None else self.kind.url("list")

    def save(self, form, obj=None):
        try:
            with audit_source("web"):
                saved = form.save(by=self.request.user)
        except ApplicationError as err:
            form.add_service_error(err)
            return self.render_form(form, obj)
        done = _("已保存") if obj is not None else _("已登记")
        messages.success(self.request, f"{done}：{self.kind.title(saved)}")
        return redirect(self.kind.detail_url(saved))


class RecordCreateView(RecordFormMixin, KindView):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.ctx = write_context(request.user)
        if self.ctx is None:
            raise PermissionDenied(_("你没有登记工作记录的权限"))
        return super().dispatch(request, *args, **kwargs)

    # Values a link may fill in ahead (e.g. "log an intent" from an enterprise's page).
    PREFILL = ("enterprise", "university", "kind", "title")

    def get(self, request):
        initial = {k: request.GET[k] for k in self.PREFILL if request.GET.get(k)}
        return self.render_form(self.kind.form(ctx=self.ctx, user=request.user, initial=initial))

    def post(self, request):
        form = self.kind.form(request.POST, ctx=self.ctx, user=request.user)
        if not form.is_valid():
            return self.render_form(form)
        return self.save(form)


class RecordEditView(RecordFormMixin, KindView):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.obj = self.get_object()
        if not can_edit_record(request.user, self.obj):
            raise PermissionDenied(_("你不能修改这条记录"))
        self.ctx = write_context(request.user, self.obj.batch)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        return self.render_form(self.kind.form(ctx=self.ctx, user=request.user, instance=self.obj), self.obj)

    def post(self, request, pk):
        form = self.kind.form(request.POST, ctx=self.ctx, user=request.user, instance=self.obj)
        if not form.is_valid():
            return self.render_form(form, self.obj)
        return self.save(form, self.obj)


# --- the registry of kinds, for pages that show several (the ledger index, timelines, drill-downs) ---


def all_kinds() -> list[RecordKind]:
    from techmayor.cooperation.views import KINDS as COOPERATION
    from techmayor.enterprises.views import KINDS as ENTERPRISES
    from techmayor.ledger.views import KINDS as LEDGER

    return [*LEDGER, *COOPERATION, *ENTERPRISES]


def kind_for(model) -> RecordKind | None:
    return next((k for k in all_kinds() if k.model is model), None)


def safe_reverse(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None

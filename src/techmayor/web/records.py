"""The list, detail, export, create and edit pages of every record kind registered in
``core.registry`` (visits, events, agreements …); ``WebConfig.ready`` hands them to the registry.

Every view here checks on the server: a record outside the user's read scope is a 404, a write
the user may not make is a 403 (``roster.selectors`` has the rules).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from techmayor.core.audit import audit_source
from techmayor.core.errors import ApplicationError
from techmayor.core.exports import xlsx_response
from techmayor.core.forms import styled
from techmayor.core.lists import PAGE_SIZES, paginate
from techmayor.core.registry import RecordKind
from techmayor.roster.selectors import can_edit_record, write_context


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


def render_detail(kind: RecordKind, request, obj):
    """The detail page of ``obj`` (already checked to be in the user's scope)."""
    context = kind.detail_page(request, obj, can_edit=can_edit_record(request.user, obj))
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


# The views of each kind's pages, by action (``core.registry.Registry.urls`` builds the URL patterns).
VIEWS = {
    "list": RecordListView,
    "export": RecordExportView,
    "detail": RecordDetailView,
    "create": RecordCreateView,
    "edit": RecordEditView,
}

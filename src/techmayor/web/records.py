"""The list, detail, export, create and edit pages of every record kind registered in
``core.registry`` (visits, events, agreements …); ``WebConfig.ready`` hands them to the registry.

Every view here checks on the server: a record outside the user's read scope is a 404, a write
the user may not make is a 403 (``roster.selectors`` has the rules).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View

from techmayor.core import versions
from techmayor.core.audit import LATE_ENTRY, audit_note, audit_source
from techmayor.core.errors import ApplicationError
from techmayor.core.forms import WithdrawForm, styled
from techmayor.core.registry import RecordKind, columns_xlsx, list_context
from techmayor.core.services import restore_record, withdraw_record
from techmayor.core.submissions import once
from techmayor.roster.selectors import (
    can_edit_record,
    can_restore_record,
    can_withdraw_record,
    entry_context,
    late_entry_batches,
    require_open_batch,
    write_context,
)


class KindView(LoginRequiredMixin, View):
    kind: RecordKind = None  # type: ignore[assignment]
    raise_exception = False

    def get_object(self, *, withdrawn: bool = False):
        """The record in the user's read scope; with ``withdrawn``, also a withdrawn record that the
        user may restore (a city administrator) or withdrew themselves. Otherwise a 404."""
        try:
            pk = int(self.kwargs["pk"])
        except (TypeError, ValueError) as exc:
            raise Http404 from exc
        obj = self.kind.queryset(user=self.request.user).filter(pk=pk).first()
        if obj is None and withdrawn and self.kind.withdrawable:
            obj = withdrawn_record(self.kind, self.request.user, pk)
        if obj is None:
            raise Http404(_("记录不存在，或不在你的查看范围内"))
        return obj


def withdrawn_record(kind: RecordKind, user, pk: int):
    """A withdrawn record of ``kind`` that ``user`` may see: to restore it, or as the one who withdrew it."""
    obj = kind.model.all_objects.withdrawn().filter(pk=pk).first()
    if obj is None or not (can_restore_record(user, obj) or obj.withdrawn_by_id == user.pk):
        return None
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
        can_create = kind.form is not None and write_context(request.user) is not None
        late = late_entry_batches(request.user) if kind.form is not None else []
        context = list_context(
            request,
            kind=kind,
            columns=kind.columns,
            filterset=filterset,
            records=records,
            row=kind.row,
            late_batches=[(b, kind.url("create") + f"?batch={b.pk}") for b in late],
            can_create=can_create,
            create_url=kind.url("create") if can_create else None,
            export_url=kind.url("export"),
        )
        return render(request, self.template_name, context)


class RecordExportView(KindView):
    def get(self, request):
        kind = self.kind
        _filterset, records = filtered(kind, request)
        return columns_xlsx(request, kind.label, kind.columns, records)


def render_detail(kind: RecordKind, request, obj):
    """The detail page of ``obj`` (already checked to be in the user's scope)."""
    user = request.user
    context = kind.detail_page(
        request,
        obj,
        can_edit=can_edit_record(user, obj),
        can_withdraw=kind.withdrawable and can_withdraw_record(user, obj),
        can_restore=kind.withdrawable and can_restore_record(user, obj),
    )
    template = "web/record_detail.html" if getattr(obj, "withdrawn_at", None) else kind.detail_template
    return render(request, template, context)


class RecordDetailView(KindView):
    def get(self, request, pk):
        return render_detail(self.kind, request, self.get_object(withdrawn=True))


class RecordWithdrawView(KindView):
    """作废: a form asking why; the record leaves every list and figure (``core.services.withdraw_record``)."""

    template_name = "web/record_withdraw.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.obj = self.get_object()
        require_open_batch(request.user, self.obj.batch)
        if not can_withdraw_record(request.user, self.obj):
            raise PermissionDenied(_("你不能作废这条记录：只有登记人或其范围内的管理员可以作废"))
        return super().dispatch(request, *args, **kwargs)

    def render_form(self, form):
        context = {"kind": self.kind, "obj": self.obj, "title": self.kind.title(self.obj), "form": form}
        return render(self.request, self.template_name, context | {"cancel_url": self.kind.detail_url(self.obj)})

    def get(self, request, pk):
        return self.render_form(WithdrawForm())

    def post(self, request, pk):
        form = WithdrawForm(request.POST)
        if not form.is_valid():
            return self.render_form(form)
        try:
            with audit_source("web"):
                withdraw_record(self.obj, by=request.user, reason=form.cleaned_data["reason"])
        except ApplicationError as err:
            form.add_service_error(err)
            return self.render_form(form)
        messages.success(request, _("已作废：%(title)s（市级管理员可以恢复）") % {"title": self.kind.title(self.obj)})
        return redirect(self.kind.url("list"))


class RecordRestoreView(KindView):
    """Restore a withdrawn record (city administrators; audited)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        obj = self.get_object(withdrawn=True)
        if not can_restore_record(request.user, obj):
            raise PermissionDenied(_("只有市级管理员可以恢复作废的记录"))
        try:
            with audit_source("web"):
                restore_record(obj, by=request.user)
        except ApplicationError as err:
            messages.error(request, str(err))
        else:
            messages.success(request, _("已恢复：%(title)s") % {"title": self.kind.title(obj)})
        return redirect(self.kind.detail_url(obj))


class RecordFormMixin:
    template_name = "web/record_form.html"

    late_batch = None  # a past batch a city administrator enters this record into (补录)

    def render_form(self, form, obj=None):
        return render(
            self.request,
            self.template_name,
            {
                "kind": self.kind,
                "form": form,
                "obj": obj,
                "cancel_url": self.cancel_url(obj),
                "late_batch": self.late_batch,
            },
        )

    def cancel_url(self, obj=None) -> str:
        return self.kind.detail_url(obj) if obj is not None else self.kind.url("list")

    def save(self, form, obj=None):
        """Create, or update ``obj`` unless someone changed it since the form was opened (``core.versions``)."""
        try:
            with audit_source("web"), audit_note(LATE_ENTRY if self.late_batch else ""), transaction.atomic():
                if obj is not None:
                    current = versions.check(form, obj)
                    if current is None:
                        return self.render_form(form, obj)
                    form.instance = current
                saved = form.save(by=self.request.user)
        except ApplicationError as err:
            form.add_service_error(err)
            return self.render_form(form, obj)
        title = self.kind.title(saved)
        if self.late_batch is not None and obj is None:
            text = _("已补录到%(batch)s：%(title)s") % {"batch": self.late_batch, "title": title}
        else:
            done = _("已保存：%(title)s") if obj is not None else _("已登记：%(title)s")
            text = done % {"title": title}
        messages.success(self.request, text)
        return redirect(self.kind.detail_url(saved))


class RecordCreateView(RecordFormMixin, KindView):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.ctx, self.late_batch = entry_context(request.user, request.GET.get("batch"))
        if self.ctx is None:
            raise PermissionDenied(_("你没有登记工作记录的权限"))
        return super().dispatch(request, *args, **kwargs)

    # Values a link may fill in ahead (e.g. "log an intent" from an enterprise's page).
    PREFILL = ("enterprise", "university", "kind", "title")

    def get(self, request):
        initial = {k: request.GET[k] for k in self.PREFILL if request.GET.get(k)}
        return self.render_form(self.kind.form(ctx=self.ctx, user=request.user, initial=initial))

    @method_decorator(once)
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
        require_open_batch(request.user, self.obj.batch)
        if not can_edit_record(request.user, self.obj):
            raise PermissionDenied(_("你不能修改这条记录"))
        self.ctx = write_context(request.user, self.obj.batch)
        return super().dispatch(request, *args, **kwargs)

    def form(self, data=None):
        form = self.kind.form(data, ctx=self.ctx, user=self.request.user, instance=self.obj)
        return versions.attach(form, self.obj)

    def get(self, request, pk):
        return self.render_form(self.form(), self.obj)

    def post(self, request, pk):
        form = self.form(request.POST)
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
    "withdraw": RecordWithdrawView,
    "restore": RecordRestoreView,
}

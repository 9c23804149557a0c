"""Admin for the core models, and the building blocks every app's admin uses.

Admin writes bypass the services, so :class:`AuditedModelAdmin` writes the audit trail itself:
one record per created, changed or deleted object (inline rows included), with before/after
snapshots, the logged-in user as actor and ``admin`` as source.
"""

from __future__ import annotations

import json

from django.contrib import admin
from django.db import models
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from . import audit
from .models import Attachment, AuditAction, AuditLog, Industry, Job, Region, Submission


def _db_snapshot(obj: models.Model) -> dict | None:
    """The object as stored (the form has already changed the instance in memory)."""
    if obj.pk is None:
        return None
    current = type(obj)._default_manager.filter(pk=obj.pk).first()
    return audit.snapshot(current) if current is not None else None


def _stamp(obj: models.Model, user, adding: bool) -> None:
    if hasattr(obj, "updated_by_id") and getattr(user, "pk", None):
        if adding:
            obj.created_by = user
        obj.updated_by = user


def _record(request, action: str, obj: models.Model, before: dict | None = None, after: dict | None = None):
    with audit.audit_source("admin"):
        audit.record(action=action, instance=obj, actor=request.user, before=before, after=after)


class AuditedModelAdmin(admin.ModelAdmin):
    """A ModelAdmin whose saves and deletions (also of inline rows) are written to the AuditLog.

    ``save_model`` keeps the stored state and stamps created_by/updated_by; the record is
    written in ``save_related``, after many-to-many fields are saved, so ``after`` is complete.
    """

    def save_model(self, request, obj, form, change):
        obj._audit_before = _db_snapshot(obj) if change else None
        _stamp(obj, request.user, adding=not change)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        before = getattr(obj, "_audit_before", None)
        after = audit.snapshot(obj)
        if not change:
            _record(request, AuditAction.CREATE, obj, after=after)
        elif after != before:
            _record(request, AuditAction.UPDATE, obj, before=before, after=after)

    def save_formset(self, request, form, formset, change):
        befores = {f.instance.pk: _db_snapshot(f.instance) for f in formset.initial_forms if f.has_changed()}
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            _record(request, AuditAction.DELETE, obj, before=befores.get(obj.pk) or audit.snapshot(obj))
            obj.delete()
        new = {id(o) for o in formset.new_objects}
        for obj in instances:
            _stamp(obj, request.user, adding=id(obj) in new)
            obj.save()
        formset.save_m2m()
        for obj in formset.new_objects:
            _record(request, AuditAction.CREATE, obj)
        for obj, _fields in formset.changed_objects:
            _record(request, AuditAction.UPDATE, obj, before=befores.get(obj.pk), after=audit.snapshot(obj))

    def delete_model(self, request, obj):
        _record(request, AuditAction.DELETE, obj, before=audit.snapshot(obj))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            _record(request, AuditAction.DELETE, obj, before=audit.snapshot(obj))
        super().delete_queryset(request, queryset)


class WithdrawnFilter(admin.SimpleListFilter):
    title = _("作废状态")
    parameter_name = "withdrawn"

    def lookups(self, request, model_admin):
        return (("no", _("有效")), ("yes", _("已作废")))

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(withdrawn_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(withdrawn_at__isnull=False)
        return queryset


class WithdrawableAdmin(AuditedModelAdmin):
    """The admin of a withdrawable record (``core.models.Withdrawable``): nothing is deleted here; the
    delete action is replaced by the same withdrawal as in the UI (with a reason, audited) and a
    restore action. Withdrawn records are listed too, marked, with a filter."""

    actions = ("withdraw_selected", "restore_selected")

    def get_queryset(self, request):
        qs = self.model.all_objects.get_queryset()
        ordering = self.get_ordering(request)
        return qs.order_by(*ordering) if ordering else qs

    def get_list_display(self, request):
        return (*super().get_list_display(request), "withdrawn_mark")

    def get_list_filter(self, request):
        return (WithdrawnFilter, *super().get_list_filter(request))

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "withdrawn_at", "withdrawn_by", "withdrawn_reason")

    def has_delete_permission(self, request, obj=None):
        return False  # withdrawn (作废) instead, never deleted

    @admin.display(description=_("作废"), boolean=True)
    def withdrawn_mark(self, obj):
        return obj.withdrawn_at is not None

    @admin.action(description=_("作废所选记录"), permissions=["change"])
    def withdraw_selected(self, request, queryset):
        from django.contrib.admin import helpers
        from django.template.response import TemplateResponse

        from .errors import ApplicationError
        from .forms import WithdrawForm
        from .services import withdraw_record

        form = WithdrawForm(request.POST if "reason" in request.POST else None)
        if form.is_bound and form.is_valid():
            done = 0
            with audit.audit_source("admin"):
                for obj in queryset.filter(withdrawn_at__isnull=True):
                    try:
                        withdraw_record(obj, by=request.user, reason=form.cleaned_data["reason"])
                        done += 1
                    except ApplicationError as err:
                        self.message_user(request, f"{obj}: {err}", level="error")
            self.message_user(request, _("已作废 %(n)d 条记录") % {"n": done})
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("作废所选记录"),
            "objects": queryset,
            "form": form,
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "core/admin_withdraw.html", context)

    @admin.action(description=_("恢复所选的作废记录"), permissions=["change"])
    def restore_selected(self, request, queryset):
        from .errors import ApplicationError
        from .services import restore_record

        done = 0
        with audit.audit_source("admin"):
            for obj in queryset.filter(withdrawn_at__isnull=False):
                try:
                    restore_record(obj, by=request.user)
                    done += 1
                except ApplicationError as err:
                    self.message_user(request, f"{obj}: {err}", level="error")
        self.message_user(request, _("已恢复 %(n)d 条记录") % {"n": done})


class ReadOnlyTabularInline(admin.TabularInline):
    """An inline that shows rows written elsewhere (by the services) and cannot change them."""

    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(AuditedModelAdmin):
    list_display = ("name", "level", "code", "parent")
    list_filter = ("level", ("parent", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("parent",)
    search_fields = ("name", "code")
    autocomplete_fields = ("parent",)
    ordering = ("parent__id", "level", "code", "name")


@admin.register(Industry)
class IndustryAdmin(AuditedModelAdmin):
    list_display = ("code", "name", "level", "section", "parent")
    list_filter = ("level", "section")
    list_select_related = ("parent",)
    search_fields = ("code", "name", "note")
    autocomplete_fields = ("parent",)
    list_per_page = 100


def _pretty(value) -> str:
    if value is None:
        return "—"
    return format_html(
        '<pre style="white-space: pre-wrap; margin: 0">{}</pre>',
        json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True),
    )


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """Rows written only by the platform itself (audit trail, jobs, attachments …): listed and
    shown here, never added, edited or deleted."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyModelAdmin):
    """The audit trail, read-only: nobody adds, edits or deletes its rows here."""

    list_display = ("at", "actor", "source", "action", "model", "object_id", "object_repr", "note")
    list_filter = ("source", "action", "model")
    list_select_related = ("actor",)
    search_fields = ("object_repr", "object_id", "model", "note", "actor__username", "actor__display_name")
    date_hierarchy = "at"
    fields = (
        "at",
        "actor",
        "source",
        "action",
        "model",
        "object_id",
        "object_repr",
        "note",
        "changes",
        "before_pretty",
        "after_pretty",
    )
    readonly_fields = fields

    @admin.display(description="变更字段")
    def changes(self, obj: AuditLog):
        if obj.before is None or obj.after is None:
            return "—"
        rows = [(name, obj.before.get(name), obj.after.get(name)) for name in obj.changed_fields]
        if not rows:
            return "—"
        body = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", rows)
        return format_html("<table><tr><th>字段</th><th>修改前</th><th>修改后</th></tr>{}</table>", body)

    @admin.display(description="修改前")
    def before_pretty(self, obj: AuditLog):
        return _pretty(obj.before)

    @admin.display(description="修改后")
    def after_pretty(self, obj: AuditLog):
        return _pretty(obj.after)


@admin.register(Job)
class JobAdmin(ReadOnlyModelAdmin):
    """Background jobs, read-only (they are started from the pages that need them)."""

    list_display = ("created_at", "label", "status", "done", "total", "message", "created_by", "finished_at")
    list_filter = ("kind", "status")
    list_select_related = ("created_by",)
    fields = (
        "kind",
        "label",
        "status",
        "done",
        "total",
        "message",
        "created_by",
        "created_at",
        "started_at",
        "finished_at",
    )
    readonly_fields = fields


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyModelAdmin):
    """Attachments are added through the pages (checked and scoped); here they are only listed."""

    list_display = (
        "original_name",
        "kind",
        "content_type",
        "object_id",
        "mime_type",
        "size",
        "is_removed",
        "created_at",
    )
    list_filter = ("kind", "is_removed", "content_type")
    list_select_related = ("content_type",)
    search_fields = ("original_name", "sha256", "note")
    date_hierarchy = "created_at"
    fields = ("original_name", "kind", "content_type", "object_id", "mime_type", "size", "sha256", "note", "is_removed")
    readonly_fields = fields


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyModelAdmin):
    """Create forms' one-time keys (``core.submissions``), read-only: kept a day, then forgotten."""

    list_display = ("created_at", "user", "result_url")
    list_select_related = ("user",)
    fields = ("key", "user", "result_url", "created_at")
    readonly_fields = fields

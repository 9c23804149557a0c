"""A record's history (变更记录): its audit-log entries as "who changed which field from what to what".

``update_record`` and the other services store a snapshot of the record's own fields before and
after each change (foreign keys as ids, many-to-many as sorted id lists, ``core.audit.snapshot``);
this module turns them back into labels a person reads: the field's verbose name, a choice's label,
a related record's name (withdrawn ones too), ``是/否``. The record's page is scoped already, so its
history is shown to whoever may read the record.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _

from .models import AuditAction, AuditLog

# Fields a person does not need in a change list (kept in the audit log all the same).
HIDDEN = {"id", "normalized_name", "enterprise_key", "withdrawn_by"}


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class HistoryEntry:
    at: object
    actor: str
    action: str
    action_label: str
    source: str
    note: str
    changes: list[Change] = field(default_factory=list)


def entries_of(instance: models.Model, *, limit: int = 200) -> list[HistoryEntry]:
    """The audit entries of ``instance``, newest first, with each changed field's before and after."""
    logs = list(
        AuditLog.objects.filter(model=instance._meta.label_lower, object_id=str(instance.pk))
        .exclude(action__in=(AuditAction.EXPORT, AuditAction.DOWNLOAD))
        .select_related("actor")
        .order_by("-at", "-id")[:limit]
    )
    names = _Names(type(instance))
    for log in logs:
        for key in _changed(log):
            names.want(key, (log.before or {}).get(key))
            names.want(key, (log.after or {}).get(key))
    return [
        HistoryEntry(
            at=log.at,
            actor=str(log.actor) if log.actor else _("系统"),
            action=log.action,
            action_label=log.get_action_display(),
            source=log.source,
            note=log.note,
            changes=[
                Change(
                    names.label(key),
                    names.text(key, (log.before or {}).get(key)),
                    names.text(key, (log.after or {}).get(key)),
                )
                for key in _changed(log)
            ],
        )
        for log in logs
    ]


def _changed(log: AuditLog) -> list[str]:
    if log.action == AuditAction.CREATE:  # what it was created with: every field given a value
        return [k for k, v in (log.after or {}).items() if v not in (None, "", [], False) and k not in HIDDEN]
    return [k for k in log.changed_fields if k not in HIDDEN]


class _Names:
    """Labels of a model's fields and the names of the related records its snapshots refer to by id."""

    def __init__(self, model):
        self.model = model
        self.wanted: dict[type, set] = {}
        self.found: dict[type, dict] | None = None

    def field(self, key: str):
        try:
            return self.model._meta.get_field(key)
        except FieldDoesNotExist:
            return None

    def label(self, key: str) -> str:
        f = self.field(key)
        return str(f.verbose_name) if f is not None and hasattr(f, "verbose_name") else key

    def want(self, key: str, value) -> None:
        f = self.field(key)
        if f is None or not f.is_relation or value in (None, "", []):
            return
        ids = value if isinstance(value, list) else [value]
        self.wanted.setdefault(f.related_model, set()).update(ids)

    def _lookup(self, model, pk) -> str:
        if self.found is None:
            self.found = {m: m._base_manager.in_bulk(sorted(ids)) for m, ids in self.wanted.items()}
        obj = self.found.get(model, {}).get(pk)
        return str(obj) if obj is not None else f"#{pk}"

    def text(self, key: str, value) -> str:
        if value is None or value == "" or value == []:
            return "—"
        f = self.field(key)
        if isinstance(value, bool):
            return _("是") if value else _("否")
        if f is not None and f.is_relation:
            ids = value if isinstance(value, list) else [value]
            return _("、").join(self._lookup(f.related_model, pk) for pk in ids)
        if f is not None and getattr(f, "choices", None):
            return str(dict(f.flatchoices).get(value, value))
        if isinstance(value, str) and isinstance(f, models.DateTimeField):
            return value[:16].replace("T", " ")
        if isinstance(value, dict | list):
            return str(value)
        return str(value)

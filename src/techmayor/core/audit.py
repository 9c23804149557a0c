"""The audit trail: services call :func:`record` for every change they make.

``audit_source("cli")`` labels the changes made inside a block (web / api / cli / import / demo);
the actor is passed explicitly by the service.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import decimal
import uuid
from collections.abc import Iterator
from typing import Any

from django.db import models
from django.db.models.fields.files import FieldFile

from .models import AuditAction, AuditLog

_source: contextvars.ContextVar[str] = contextvars.ContextVar("audit_source", default="system")
# A note written on every audit record inside a block (``audit_note``): a late entry (补录) into a past batch.
_note: contextvars.ContextVar[str] = contextvars.ContextVar("audit_note", default="")
LATE_ENTRY = "补录"  # the note of a record an administrator entered into a past (closed) batch
# While an import runs, every audit record written is also handed to its collector (``collect``):
# the import log keeps what it created and changed, so the whole import can be rolled back.
_collector: contextvars.ContextVar[list | None] = contextvars.ContextVar("audit_collector", default=None)


@contextlib.contextmanager
def collect() -> Iterator[list[tuple]]:
    """Collect the audit records written inside the block (an import's created and changed records) as
    ``(action, model label, object id, before)``."""
    entries: list[tuple] = []
    token = _collector.set(entries)
    try:
        yield entries
    finally:
        _collector.reset(token)


def collected_row(action: str, model: str, object_id: str, before: dict | None = None) -> None:
    """Hand a change a bulk writer recorded itself (with its own audit rows) to the active collector."""
    entries = _collector.get()
    if entries is not None:
        entries.append((action, model, object_id, before))


def collected(entry: AuditLog) -> None:
    """Hand an audit record written without :func:`record` (a bulk writer's) to the active collector."""
    entries = _collector.get()
    if entries is not None:
        entries.append((entry.action, entry.model, entry.object_id, entry.before))


@contextlib.contextmanager
def audit_source(source: str) -> Iterator[None]:
    token = _source.set(source)
    try:
        yield
    finally:
        _source.reset(token)


@contextlib.contextmanager
def audit_note(note: str) -> Iterator[None]:
    """Every audit record written inside the block carries ``note`` (before the service's own note)."""
    token = _note.set(note)
    try:
        yield
    finally:
        _note.reset(token)


def late_entry_of(instance: models.Model) -> AuditLog | None:
    """The creation entry of ``instance`` when it was a late entry (补录) into a past batch, else None."""
    return (
        AuditLog.objects.filter(
            model=instance._meta.label_lower,
            object_id=str(instance.pk),
            action=AuditAction.CREATE,
            note__startswith=LATE_ENTRY,
        )
        .select_related("actor")
        .first()
    )


def current_source() -> str:
    """The label of the block being run (web / api / cli / import / admin / demo)."""
    return _source.get()


def _jsonable(value: Any) -> Any:
    if isinstance(value, FieldFile):
        return value.name or ""  # a stored file is recorded by its storage name
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


_SKIP = {"created_at", "updated_at", "created_by", "updated_by"}


def snapshot(instance: models.Model, m2m: bool = True) -> dict[str, Any]:
    """The record's own field values (foreign keys as ids, many-to-many as sorted id lists)."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in _SKIP:
            continue
        data[field.name] = _jsonable(field.value_from_object(instance))
    if m2m and instance.pk is not None:
        for field in instance._meta.many_to_many:
            data[field.name] = sorted(getattr(instance, field.attname).values_list("pk", flat=True))
    return data


def record_read(*, request, action: str, object_repr: str, object_id: str = "", rows: int | None = None) -> AuditLog:
    """A read that carries data away (an export, an attachment download): who, which page with which
    filters, under which roles (their scope), what (file name, object) and how many rows."""
    user = request.user
    roles = user.roles.filter(is_active=True).select_related("region", "group") if user.is_authenticated else []
    match = request.resolver_match
    return AuditLog.objects.create(
        actor=user if user.is_authenticated else None,
        source="web",
        action=action,
        model=(match.view_name if match else request.path)[:80],
        object_id=object_id,
        object_repr=object_repr[:255],
        after={
            "path": request.path,
            "filters": {k: v for k, v in request.GET.lists()},
            "scope": [f"{r.get_role_display()} {r.region or r.group or ''}".strip() for r in roles],
            "rows": rows,
        },
    )


def record(
    *,
    action: str,
    instance: models.Model,
    actor=None,
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
) -> AuditLog:
    if after is None and action != AuditAction.DELETE:
        after = snapshot(instance)
    entry = _entry(action=action, instance=instance, actor=actor, before=before, after=after, note=note)
    entry.save(force_insert=True)
    collected(entry)
    return entry


def _entry(*, action: str, instance: models.Model, actor, before: dict | None, after: dict | None, note: str):
    """The audit row of one change, unsaved: with the source and the note of the surrounding block."""
    return AuditLog(
        actor=actor if getattr(actor, "pk", None) else None,
        source=_source.get(),
        action=action,
        model=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:255],
        before=before,
        after=after,
        note="；".join(n for n in (_note.get(), note) if n)[:255],
    )


def record_many(
    *, action: str, instances: list[models.Model], actor=None, notes: list[str], batch_size: int = 500
) -> list[AuditLog]:
    """:func:`record` for many records at once (``core.services.create_records``), one row each."""
    entries = AuditLog.objects.bulk_create(
        [
            _entry(action=action, instance=i, actor=actor, before=None, after=snapshot(i, m2m=False), note=note)
            for i, note in zip(instances, notes, strict=True)
        ],
        batch_size=batch_size,
    )
    for entry in entries:
        collected(entry)
    return entries

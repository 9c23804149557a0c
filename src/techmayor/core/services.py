"""Building blocks for the ``<entity>_<verb>`` services of every app.

``create_record`` and ``update_record`` validate with ``full_clean()``, save, set many-to-many
relations and write the audit record (``audit_note`` explains the change in the log; a model's
own ``note`` field is passed like any other field), turning Django's validation errors into one Chinese
:class:`ApplicationError`. Each app's services add their own rules around them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext

from . import audit
from .errors import ApplicationError, validation_message
from .models import AuditAction

M = TypeVar("M", bound=models.Model)


def _full_clean(instance: models.Model, exclude: Iterable[str] | None = None, *, validate_unique: bool = True) -> None:
    try:
        instance.full_clean(exclude=list(exclude or []), validate_unique=validate_unique)
    except ValidationError as exc:
        fields = list(getattr(exc, "error_dict", {}))
        raise ApplicationError(
            f"{instance._meta.verbose_name}: {validation_message(exc, type(instance))}",
            field=fields[0] if len(fields) == 1 and fields[0] != "__all__" else None,
        ) from exc


def _set_m2m(instance: models.Model, m2m: Mapping[str, list[Any]], *, created: bool = False) -> None:
    for name, values in m2m.items():
        if created:  # a new record has no rows to compare with
            getattr(instance, name).add(*values)
        else:
            getattr(instance, name).set(values)


def _m2m_snapshot(
    instance: models.Model, m2m: Mapping[str, list[Any]], before: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The record's snapshot after its many-to-many values were set from ``m2m``, without reading them
    back: those set are the ones given, the others are as ``before`` (a new record has none)."""
    data = audit.snapshot(instance, m2m=False)
    for field in instance._meta.many_to_many:
        if field.name in m2m:
            data[field.name] = sorted({getattr(v, "pk", v) for v in m2m[field.name]})
        else:
            data[field.name] = before[field.name] if before is not None else []
    return data


@transaction.atomic
def create_record(
    model: type[M],
    *,
    by=None,
    m2m: Mapping[str, Iterable[Any]] | None = None,
    audit_note: str = "",
    **fields: Any,
) -> M:
    m2m = {name: list(values) for name, values in (m2m or {}).items()}
    instance = model(**fields)
    if hasattr(instance, "created_by_id") and getattr(by, "pk", None):
        instance.created_by = by
        instance.updated_by = by
    _full_clean(instance)
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        raise ApplicationError(
            gettext("%(verbose_name)s: 与已有记录重复或引用无效（%(exc)s）")
            % {"verbose_name": model._meta.verbose_name, "exc": exc}
        ) from exc
    _set_m2m(instance, m2m, created=True)
    after = _m2m_snapshot(instance, m2m)
    audit.record(action=AuditAction.CREATE, instance=instance, actor=by, after=after, note=audit_note)
    return instance


@transaction.atomic
def validate_new(instance: models.Model) -> None:
    """:func:`create_record`'s validation of a record :func:`create_records` will write, except
    uniqueness, which the caller checks among the new records and against the table."""
    _full_clean(instance, validate_unique=False)


@transaction.atomic
def create_records(
    instances: list[M], *, by=None, audit_notes: list[str] | None = None, batch_size: int = 500
) -> list[M]:
    """Many new records of one model at once, as :func:`create_record` would write them one by one:
    inserted in batches and audited with one row each (``audit_notes``: one note per record).

    The caller has validated each with :func:`validate_new` (naming its own row on an error). Only for
    models with no many-to-many values to set, no ``save()`` logic and no ``post_save`` watchers
    (``bulk_create`` calls neither): reference data such as the list of universities.
    """
    if not instances:
        return instances
    model = type(instances[0])
    for instance in instances:
        if hasattr(instance, "created_by_id") and getattr(by, "pk", None):
            instance.created_by = by
            instance.updated_by = by
    try:
        with transaction.atomic():
            model.objects.bulk_create(instances, batch_size=batch_size)
    except IntegrityError as exc:
        raise ApplicationError(
            gettext("%(verbose_name)s: 与已有记录重复或引用无效（%(exc)s）")
            % {"verbose_name": model._meta.verbose_name, "exc": exc}
        ) from exc
    notes = audit_notes or [""] * len(instances)
    audit.record_many(action=AuditAction.CREATE, instances=instances, actor=by, notes=notes, batch_size=batch_size)
    return instances


@transaction.atomic
def update_record(
    instance: M,
    *,
    by=None,
    m2m: Mapping[str, Iterable[Any]] | None = None,
    action: str = AuditAction.UPDATE,
    audit_note: str = "",
    **changes: Any,
) -> M:
    m2m = {name: list(values) for name, values in (m2m or {}).items()}
    before = audit.snapshot(instance)
    for name, value in changes.items():
        setattr(instance, name, value)
    if hasattr(instance, "updated_by_id") and getattr(by, "pk", None):
        instance.updated_by = by
    _full_clean(instance)
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        raise ApplicationError(
            gettext("%(verbose_name)s: 与已有记录重复或引用无效（%(exc)s）")
            % {"verbose_name": instance._meta.verbose_name, "exc": exc}
        ) from exc
    _set_m2m(instance, m2m)
    after = _m2m_snapshot(instance, m2m, before)
    if after != before:
        audit.record(action=action, instance=instance, actor=by, before=before, after=after, note=audit_note)
    return instance


REASON_MAX = 300


@transaction.atomic
def withdraw_record(instance: M, *, by, reason: str) -> M:
    """作废: mark ``instance`` (a ``core.models.Withdrawable``) withdrawn with a reason, audited.

    The record stays in the database, its history and the audit trail; it leaves every list and
    figure (the model's default manager; the scorecard's cells follow the save). Permission is the
    caller's to check (each app knows who may withdraw its records)."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(gettext("请填写作废原因"), field="reason")
    if len(reason) > REASON_MAX:
        raise ApplicationError(gettext("作废原因不能超过%(max)s字") % {"max": REASON_MAX}, field="reason")
    from . import clock

    current = type(instance).all_objects.select_for_update().get(pk=instance.pk)
    if current.withdrawn_at is not None:
        raise ApplicationError(
            gettext("%(verbose_name)s「%(current)s」已于%(withdrawn_at)s作废")
            % {
                "verbose_name": current._meta.verbose_name,
                "current": current,
                "withdrawn_at": format(current.withdrawn_at, "%Y-%m-%d"),
            }
        )
    before = audit.snapshot(current)
    current.withdrawn_at = clock.now()
    current.withdrawn_by = by if getattr(by, "pk", None) else None
    current.withdrawn_reason = reason
    if hasattr(current, "updated_by_id") and getattr(by, "pk", None):
        current.updated_by = by
    current.save()
    audit.record(action=AuditAction.WITHDRAW, instance=current, actor=by, before=before, note=reason)
    return current


@transaction.atomic
def restore_record(instance: M, *, by, note: str = "") -> M:
    """Undo a withdrawal (audited): the record is back in lists and figures as it was."""
    current = type(instance).all_objects.select_for_update().get(pk=instance.pk)
    if current.withdrawn_at is None:
        raise ApplicationError(
            gettext("%(verbose_name)s「%(current)s」未作废，无需恢复")
            % {"verbose_name": current._meta.verbose_name, "current": current}
        )
    before = audit.snapshot(current)
    current.withdrawn_at = None
    current.withdrawn_by = None
    current.withdrawn_reason = ""
    if hasattr(current, "updated_by_id") and getattr(by, "pk", None):
        current.updated_by = by
    _full_clean(current)  # e.g. a link made again meanwhile: the restored one would be a duplicate
    try:
        with transaction.atomic():
            current.save()
    except IntegrityError as exc:
        raise ApplicationError(
            gettext("%(verbose_name)s: 与已有记录重复，无法恢复（%(exc)s）")
            % {"verbose_name": current._meta.verbose_name, "exc": exc}
        ) from exc
    audit.record(
        action=AuditAction.RESTORE,
        instance=current,
        actor=by,
        before=before,
        note=(note or f"恢复作废记录（原因：{before.get('withdrawn_reason', '')}）")[:255],
    )
    return current

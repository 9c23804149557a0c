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

from . import audit
from .errors import ApplicationError, validation_message
from .models import AuditAction

M = TypeVar("M", bound=models.Model)


def _full_clean(instance: models.Model, exclude: Iterable[str] | None = None) -> None:
    try:
        instance.full_clean(exclude=list(exclude or []))
    except ValidationError as exc:
        fields = list(getattr(exc, "error_dict", {}))
        raise ApplicationError(
            f"{instance._meta.verbose_name}: {validation_message(exc, type(instance))}",
            field=fields[0] if len(fields) == 1 and fields[0] != "__all__" else None,
        ) from exc


def _set_m2m(instance: models.Model, m2m: Mapping[str, Iterable[Any]] | None) -> None:
    for name, values in (m2m or {}).items():
        getattr(instance, name).set(list(values))


@transaction.atomic
def create_record(
    model: type[M],
    *,
    by=None,
    m2m: Mapping[str, Iterable[Any]] | None = None,
    audit_note: str = "",
    **fields: Any,
) -> M:
    instance = model(**fields)
    if hasattr(instance, "created_by_id") and getattr(by, "pk", None):
        instance.created_by = by
        instance.updated_by = by
    _full_clean(instance)
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        raise ApplicationError(f"{model._meta.verbose_name}: 与已有记录重复或引用无效（{exc}）") from exc
    _set_m2m(instance, m2m)
    audit.record(action=AuditAction.CREATE, instance=instance, actor=by, note=audit_note)
    return instance


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
        raise ApplicationError(f"{instance._meta.verbose_name}: 与已有记录重复或引用无效（{exc}）") from exc
    _set_m2m(instance, m2m)
    after = audit.snapshot(instance)
    if after != before:
        audit.record(action=action, instance=instance, actor=by, before=before, after=after, note=audit_note)
    return instance

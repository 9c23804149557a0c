"""Imports as the CLI, the pages and the background job run them: preview, execute, roll back.

:func:`import_preview` reads a file and plans every row (nothing written). :func:`import_execute`
writes the plan in one transaction through the kind's services, under the ``import`` audit source,
and records an :class:`ImportLog` with every record created or changed; a row a service refuses
rolls the whole import back (unless bad rows are skipped). :func:`import_rollback` undoes an
import: an administrator of its batch's city, while the batch is the active one.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext

from techmayor.accounts.scopes import administers
from techmayor.core import audit
from techmayor.core.errors import ApplicationError
from techmayor.core.files import ImportRejected, open_rows
from techmayor.core.models import AuditAction, AuditLog
from techmayor.core.progress import meter
from techmayor.core.services import update_record

from .engine import BAD, CREATE, UNCHANGED, UPDATE, ImportContext, get_kind, layout_at, locate, row_line
from .models import ImportLayout, ImportLog
from .stream import Preview, plan_file


def file_digest(path: str | Path) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            sha.update(chunk)
    return sha.hexdigest()


def import_preview(
    kind_key: str,
    path: str | Path,
    *,
    ctx: ImportContext,
    mapping: dict[str, int | None] | None = None,
    header_row: int | None = None,
    file_name: str = "",
    stage: bool = True,
    progress: bool | None = False,
    report=None,
) -> Preview:
    """Read ``path`` and plan each row for ``kind_key``, a batch at a time as the file is read
    (nothing written; the rows to write are staged for :func:`import_execute` unless ``stage`` is
    off); the mapping a user confirmed for this layout before is used unless ``mapping``/
    ``header_row`` are given. ``progress``: a bar on stderr (``None``: when it is a terminal);
    ``report``: a job's progress. Raises ``ApplicationError`` for a file that cannot be read or lacks
    identifying columns, and when the importer may not write this kind."""
    kind = get_kind(kind_key)
    if kind.credited and ctx.batch is None:
        raise ApplicationError(gettext("请指定批次（--batch 与 --city）"), field="batch")
    if not kind.allowed(ctx):
        raise ApplicationError(
            gettext("你没有在%(where)s导入%(kind)s的权限")
            % {"where": ctx.batch or gettext("本系统"), "kind": kind.label},
            field="kind",
        )
    started = time.perf_counter()
    rows = open_rows(path)
    if mapping is not None and header_row:
        layout = layout_at(rows, kind, header_row, mapping)
    else:
        layout = _remembered(rows, kind)
    preview = Preview(kind, file_name or Path(path).name, file_digest(path), layout, staging=stage)
    total = getattr(rows, "total", None)
    try:
        with meter(
            gettext("正在读取并校验 %(name)s") % {"name": preview.file_name},
            total=max(0, total - layout.last) if total else None,
            unit="行",
            terminal=progress,
            report=report,
        ) as counter:
            plan_file(preview, rows, ctx, meter=counter)
    except BaseException:
        preview.close()
        raise
    preview.timings = {"check": time.perf_counter() - started}
    if not preview.total:
        preview.close()
        raise ApplicationError(gettext("%(file)s 的表头下没有任何数据") % {"file": preview.file_name}, field="file")
    return preview


def _remembered(table, kind):
    """The layout found by synonyms, or the one a user confirmed for a header like this one."""
    try:
        layout = locate(table, kind)
    except ApplicationError as err:
        layout = err.extra.get("layout")
        saved = ImportLayout.objects.filter(kind=kind.key, digest=getattr(layout, "digest", "")).first()
        if saved is None:
            raise
        return layout_at(table, kind, layout.last, saved.mapping)
    saved = ImportLayout.objects.filter(kind=kind.key, digest=layout.digest).first()
    if saved is not None:
        try:
            return layout_at(table, kind, layout.last, saved.mapping)
        except ApplicationError:
            return layout
    return layout


def layout_remember(*, kind: str, preview: Preview, by=None) -> ImportLayout:
    """Keep the mapping the user confirmed for this header (the next file laid out alike uses it)."""
    layout, _ = ImportLayout.objects.update_or_create(
        kind=kind,
        digest=preview.layout.digest,
        defaults={
            "header": preview.layout.labels,
            "mapping": preview.layout.columns,
            "updated_by": by if getattr(by, "pk", None) else None,
        },
    )
    return layout


class AmountsUnconfirmed(ApplicationError):
    """Rows to write carry an amount above ``PLAUSIBLE_WAN`` 万元 and the import was not confirmed."""

    def __init__(self, lines: list[str], count: int):
        self.lines = list(lines)
        super().__init__(
            gettext("有 %(n)s 行金额超过常见金额（10亿元），未写入任何数据；请核对，无误请确认金额后再导入")
            % {"n": count},
            field="confirm_amounts",
            extra={"errors": self.lines},
        )


def import_execute(
    preview: Preview,
    *,
    ctx: ImportContext,
    skip_bad: bool = False,
    source: str = "web",
    progress: bool | None = False,
    report=None,
) -> ImportLog:
    """Write the preview's staged rows, a batch at a time, in one transaction; nothing is written if
    any row is bad (unless ``skip_bad``) or a service refuses a row (unless ``skip_bad``: that row is
    then skipped). The staged rows are dropped once written; a refused import may be run again
    (with ``skip_bad``, once amounts are confirmed). ``progress``/``report``: as for
    :func:`import_preview`."""
    if preview.error_count and not skip_bad:
        raise ImportRejected(preview.errors, name=preview.file_name, count=preview.error_count)
    if preview.large_count and not ctx.confirm_amounts:
        raise AmountsUnconfirmed(preview.large_lines, preview.large_count)
    log = _execute(preview, ctx=ctx, skip_bad=skip_bad, source=source, progress=progress, report=report)
    preview.close()
    return log


def _execute(preview: Preview, *, ctx, skip_bad: bool, source: str, progress, report) -> ImportLog:
    kind = preview.kind
    started = time.perf_counter()
    errors = list(preview.errors)
    if preview.error_count > len(errors):
        errors.append(gettext("……另有 %(n)s 处错误未列出") % {"n": preview.error_count - len(errors)})
    result = _Written(skipped=preview.counts[BAD])
    bulk = kind.bulk_min is not None and preview.counts[CREATE] >= kind.bulk_min
    batch_ids = [ctx.batch.pk] if ctx.batch is not None else []
    desc = gettext("正在写入%(kind)s") % {"kind": kind.label}
    with (
        audit.audit_source("import"),
        audit.collect() as entries,
        transaction.atomic(),
        meter(desc, total=preview.writes, unit="行", terminal=progress, report=report) as counter,
    ):
        _invalidate(batch_ids)  # figures are rebuilt on the next read, not once per row
        for plans in preview.batches():
            creates = [p for p in plans if p.action == CREATE]
            if bulk and creates:
                kind.create_bulk(creates, ctx)
                result.created += len(creates)
            else:
                for plan in creates:
                    result.count(_write(plan, lambda p=plan: kind.create(p.data, ctx), kind, skip_bad, errors), CREATE)
            for plan in plans:
                if plan.action == UPDATE:
                    write = lambda p=plan: kind.update(p.obj, p.changes, p.data, ctx)  # noqa: E731
                    result.count(_write(plan, write, kind, skip_bad, errors), UPDATE)
            result.take(entries)
            counter.add(len(plans))
        _invalidate(batch_ids)
        log = ImportLog.objects.create(
            kind=kind.key,
            file_name=preview.file_name[:200],
            sha256=preview.sha256,
            batch=ctx.batch,
            created_by=ctx.user if getattr(ctx.user, "pk", None) else None,
            source=source,
            rows=preview.total,
            created_count=result.created,
            updated_count=result.updated,
            unchanged_count=preview.counts[UNCHANGED],
            skipped_count=result.skipped,
            errors=errors[:1000],
            created={model: sorted(ids) for model, ids in result.made.items()},
            changed=result.changed,
        )
    preview.timings["write"] = time.perf_counter() - started
    return log


@dataclass
class _Written:
    """What the writing pass did so far, and the records the audit collected (drained each batch)."""

    created: int = 0
    updated: int = 0
    skipped: int = 0
    made: dict[str, set[int]] = field(default_factory=dict)  # model label → ids created
    changed: list = field(default_factory=list)  # [model label, id, values before]

    def count(self, written: bool, action: str) -> None:
        if not written:
            self.skipped += 1
        elif action == CREATE:
            self.created += 1
        else:
            self.updated += 1

    def take(self, entries: list[tuple]) -> None:
        for action, model, object_id, before in entries:
            if action == AuditAction.CREATE:
                self.made.setdefault(model, set()).add(int(object_id))
            elif before is not None and int(object_id) not in self.made.get(model, ()):
                self.changed.append([model, int(object_id), before])
        entries.clear()


def _write(plan, write, kind, skip_bad: bool, errors: list[str]) -> bool:
    try:
        with transaction.atomic():
            write()
        return True
    except ApplicationError as err:
        line = row_line(plan.number, kind.label_of(err.field), err.message)
        if not skip_bad:
            raise ImportRejected([line]) from err
        errors.append(line)
        return False


def _invalidate(batch_ids: list[int]) -> None:
    from techmayor.scorecard import rollup

    if batch_ids:
        rollup.invalidate(batch_ids)


# --- rollback ------------------------------------------------------------------------------------


def can_rollback(user, log: ImportLog) -> bool:
    """An administrator of the import's city, while its batch is the active one (superusers always)."""
    if log.rolled_back_at is not None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    if log.batch is None or not log.batch.is_active:
        return False
    return administers(user, log.batch.city_id)


@transaction.atomic
def import_rollback(*, log: ImportLog, by) -> ImportLog:
    """Undo a whole import: the records it changed get their values back, the ones it created are
    deleted (each audited); refused when later work depends on them."""
    log = ImportLog.objects.select_for_update().get(pk=log.pk)
    if not can_rollback(by, log):
        raise ApplicationError(gettext("只有本批次所属城市的管理员可以撤销导入，且仅限当前批次、未撤销过的导入"))
    note = f"撤销导入 #{log.pk} {log.file_name}"[:255]
    with audit.audit_source("import"):
        for model, pk, before in reversed(log.changed):
            _restore(model, pk, before, by, note)
        _delete_created(log.created, by, note)
    if log.batch_id:
        _invalidate([log.batch_id])
    log.rolled_back_at = timezone.now()
    log.rolled_back_by = by
    log.save(update_fields=["rolled_back_at", "rolled_back_by"])
    return log


def _restore(label: str, pk: int, before: dict, by, note: str) -> None:
    model = apps.get_model(label)
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        return
    fields, m2m = {}, {}
    for f in model._meta.concrete_fields:
        if f.name in before and f.name not in ("id", "created_at", "updated_at"):
            fields[f.attname] = before[f.name]
    for f in model._meta.many_to_many:
        if f.name in before:
            m2m[f.name] = before[f.name]
    update_record(obj, by=by, m2m=m2m, audit_note=note, **fields)


def _delete_created(created: dict[str, list[int]], by, note: str) -> None:
    """Delete what the import created, dependants first (passes until nothing more can go)."""
    pending = {label: list(ids) for label, ids in reversed(list(created.items())) if ids}
    while pending:
        progressed = False
        for label in list(pending):
            model = apps.get_model(label)
            try:
                with transaction.atomic():
                    _delete(model, pending[label], by, note)
                del pending[label]
                progressed = True
            except (ProtectedError, RestrictedError):
                continue
        if not progressed:
            names = "、".join(str(apps.get_model(label)._meta.verbose_name) for label in pending)
            raise ApplicationError(gettext("导入的%(names)s已被后来的记录引用，不能撤销") % {"names": names})


def _delete(model, ids: list[int], by, note: str) -> None:
    actor = by if getattr(by, "pk", None) else None
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        objs = list(model.objects.filter(pk__in=chunk))
        AuditLog.objects.bulk_create(
            AuditLog(
                actor=actor,
                source="import",
                action=AuditAction.DELETE,
                model=model._meta.label_lower,
                object_id=str(o.pk),
                object_repr=str(o)[:255],
                before=audit.snapshot(o, m2m=False),
                note=note,
            )
            for o in objs
        )
        model.objects.filter(pk__in=chunk).delete()

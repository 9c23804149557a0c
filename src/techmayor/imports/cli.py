"""``techmayor import records FILE --kind K --batch 14 --city 常州市 [--dry-run] [--skip-bad] [--as USERNAME]``.

Reads and checks the file a batch of rows at a time (a progress bar on a terminal), prints the
preview as a table (rows to create, update, leave unchanged, bad rows as ``第N行: 字段: 原因``), then
writes the staged rows a batch at a time in one transaction unless ``--dry-run``. Exits non-zero
when a row is bad (nothing written) unless ``--skip-bad``.
Without ``--as`` the import runs as the system (every scope, no actor in the audit).
"""

from __future__ import annotations

import time

from django.core.management.base import CommandError

from techmayor.core.errors import ApplicationError
from techmayor.core.files import ImportRejected

from .engine import BAD, CREATE, UNCHANGED, UPDATE, ImportContext, kinds

ACTIONS = {CREATE: "新增", UPDATE: "更新", UNCHANGED: "未变", BAD: "错误"}


def system_user():
    """The importer when no account is named: every scope, recorded without an actor."""
    from techmayor.accounts.models import User

    user = User(username="system", is_superuser=True, is_active=True)
    user._active_roles = []
    user._tm_member = None
    return user


def _user(username: str | None):
    from techmayor.accounts.models import User

    if not username:
        return system_user()
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"用户不存在：{username}")
    return user


def _batch(number: int | None, city: str | None):
    from techmayor.roster.models import Batch

    if number is None:
        return None
    qs = Batch.objects.filter(number=number).select_related("city")
    if city:
        qs = qs.filter(city__name=city)
    found = list(qs[:2])
    if not found:
        raise CommandError(f"批次不存在：{city or ''}第{number}批")
    if len(found) > 1:
        raise CommandError(f"有多个城市的第{number}批，请加 --city")
    return found[0]


def _cell(text: str, width: int) -> str:
    out, used = "", 0
    for ch in text:
        w = 2 if ord(ch) > 0x2E80 else 1
        if used + w > width:
            return out[: max(0, len(out) - 1)] + "…" + " " * (width - used)
        out += ch
        used += w
    return out + " " * (width - used)


def print_preview(out, preview, limit: int) -> None:
    out.write(f"{_cell('行号', 6)}  {_cell('操作', 4)}  {_cell('记录', 40)}  说明")
    shown = 0
    for plan in preview.rows:
        if plan.action == UNCHANGED:
            continue
        if shown >= limit:
            c = preview.counts
            out.write(f"……（其余 {c[CREATE] + c[UPDATE] + c[BAD] - shown} 行未列出）")
            break
        shown += 1
        remark = "；".join([*plan.errors, *plan.warnings, *(f"{k}" for k in plan.changes)])
        remark = remark.replace(f"第{plan.number}行: ", "")
        out.write(
            f"{_cell(str(plan.number), 6)}  {_cell(ACTIONS[plan.action], 4)}  {_cell(plan.summary, 40)}  {remark}"
        )
    c = preview.counts
    unit = preview.kind.unit
    out.write(
        f"{preview.kind.label}：新增 {c[CREATE]} {unit}，更新 {c[UPDATE]} {unit}，未变 {c[UNCHANGED]} {unit}，"
        f"错误 {c[BAD]} 行；可能重复或新建 {preview.warning_count} 处"
    )


def run(command, file: str, *, kind: str | None, batch: int | None, city: str | None, dry_run: bool,
        skip_bad: bool, username: str | None, allow_similar: bool, confirm_amounts: bool = False,
        limit: int = 50) -> None:  # fmt: skip
    from .services import AmountsUnconfirmed, import_execute, import_preview

    if kind not in kinds:
        raise CommandError(f"导入 records 须指定 --kind（{' / '.join(kinds)}）")
    ctx = ImportContext(
        user=_user(username), batch=_batch(batch, city), allow_similar=allow_similar, confirm_amounts=confirm_amounts
    )
    started = time.perf_counter()
    try:
        preview = import_preview(kind, file, ctx=ctx, stage=not dry_run, progress=None)
    except ApplicationError as exc:
        raise CommandError(exc.message) from exc
    print_preview(command.stdout, preview, limit)
    for line in preview.errors:
        command.stderr.write(line)
    if preview.error_count > len(preview.errors):
        command.stderr.write(f"……另有 {preview.error_count - len(preview.errors)} 处错误未列出")
    if preview.error_count and not skip_bad:
        preview.close()
        raise CommandError(
            f"有 {preview.error_count} 处错误，未写入任何数据；请改正后重新导入，或加 --skip-bad 只导入正确的行"
        )
    if dry_run:
        command.stdout.write("试导入（--dry-run）：未写入任何数据")
        return
    try:
        log = import_execute(preview, ctx=ctx, skip_bad=skip_bad, source="cli", progress=None)
    except ImportRejected as exc:
        for line in exc.errors:
            command.stderr.write(line)
        raise CommandError(f"{exc.message}；请改正后重新导入，或加 --skip-bad 跳过这些行") from exc
    except AmountsUnconfirmed as exc:
        for line in exc.lines:
            command.stderr.write(line)
        raise CommandError(f"{exc.message}（加 --confirm-amounts）") from exc
    except ApplicationError as exc:
        raise CommandError(exc.message) from exc
    seconds = time.perf_counter() - started
    command.stdout.write(
        command.style.SUCCESS(
            f"导入完成（导入记录 #{log.pk}，{seconds:.1f} 秒）：新增 {log.created_count}，更新 {log.updated_count}，"
            f"未变 {log.unchanged_count}，跳过 {log.skipped_count} 行"
        )
    )

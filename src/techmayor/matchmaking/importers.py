"""Importing the resource pool from JSON lines: ``techmayor import corpus FILE.jsonl --kind paper``.

:func:`import_corpus` reads one record per line (the file may be compressed: ``.jsonl.gz``,
``.jsonl.xz``), shaped like the shipped ``techmayor/data/csl_papers.jsonl.xz``
(``id``, ``title``, ``abstract``, ``keywords``, ``discipline``, ``category``) or
``patents_ipc.jsonl`` (``id``, ``title``, ``ipc``); ``text`` is accepted for ``abstract`` and
keywords / IPC may be a list or a ``;``-separated string. The external id is kept and the import
upserts by ``(kind, external_id)``: unchanged rows are not touched, so importing a file twice
writes nothing the second time.

**Bulk writes, one audit row.** A corpus has tens of thousands of rows, so unlike the
university importer this one does not go through ``create_record`` / ``update_record`` (one
``full_clean``, save and audit row each): it validates every line itself, then writes with
``bulk_create`` / ``bulk_update`` in batches inside one transaction and records **one**
summarising :class:`~techmayor.core.models.AuditLog` row (action ``import``: file, kind and
counts). 10,000 records take a few seconds on SQLite.

Bad lines (not JSON, not an object, missing ``id`` or ``title``, too long, repeated id) are
reported as ``第N行: 原因``; nothing is written if any line is bad unless ``skip_bad``. After
writing, the matching index (when one exists) is updated for the changed records
(:func:`techmayor.matchmaking.services.achievement_index_sync`).
"""

from __future__ import annotations

import json
import lzma
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from techmayor.core.audit import current_source
from techmayor.core.errors import ApplicationError
from techmayor.core.files import ImportRejected, ImportResult, is_compressed, open_file
from techmayor.core.models import AuditAction, AuditLog
from techmayor.core.text import clean_text, formula_problem
from techmayor.resources.choices import AchievementKind
from techmayor.resources.models import Achievement

FIELDS = ("title", "abstract", "keywords", "discipline", "category", "ipc")
BATCH = 1000  # rows per bulk statement (and per id lookup: under SQLite's variable limit)


@dataclass(frozen=True)
class _Good:
    number: int
    values: dict


def _as_list(value, field: str) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = value.replace("；", ";").split(";")
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return [c for c in map(clean_text, value) if c]
    raise ValueError(f"{field} 应为字符串列表")


def _text(value, field: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str | int | float):
        return clean_text(value)  # as forms and the tabular reader clean text: no NUL, no invisible marks
    raise ValueError(f"{field} 应为文本")


def _limit(field: str) -> int | None:
    return Achievement._meta.get_field(field).max_length


def parse_line(line: str) -> dict:
    """One JSON line → the Achievement field values; ``ValueError`` says what is wrong."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"不是有效的 JSON（{exc.msg}，第 {exc.colno} 列）") from exc
    if not isinstance(data, dict):
        raise ValueError("应为 JSON 对象")
    external_id = _text(data.get("id", data.get("external_id")), "id")
    if not external_id:
        raise ValueError("缺少 id")
    title = _text(data.get("title"), "title")
    if not title:
        raise ValueError("缺少 title")
    if problem := formula_problem(title):
        raise ValueError(f"title {problem}")
    values = {
        "external_id": external_id,
        "title": title,
        "abstract": _text(data.get("abstract", data.get("text")), "abstract"),
        "keywords": _as_list(data.get("keywords"), "keywords"),
        "discipline": _text(data.get("discipline"), "discipline"),
        "category": _text(data.get("category"), "category"),
        "ipc": _as_list(data.get("ipc"), "ipc"),
    }
    for field in ("external_id", "title", "discipline", "category"):
        limit = _limit(field)
        if limit and len(values[field]) > limit:
            raise ValueError(f"{field} 不能超过 {limit} 个字，实际 {len(values[field])} 个字")
    return values


def _read(path: Path, progress: bool | None) -> tuple[list[_Good], list[str], int]:
    good: list[_Good] = []
    errors: list[str] = []
    bad = 0
    seen: dict[str, int] = {}
    size = None if is_compressed(path) else path.stat().st_size  # progress in the file's own bytes
    with (
        open_file(path, "r", encoding="utf-8-sig", errors="strict") as fh,
        tqdm(
            total=size,
            unit="B",
            unit_scale=True,
            desc=f"读取 {path.name}",
            file=sys.stderr,
            disable=None if progress is None else not progress,
        ) as bar,
    ):
        number = 0
        while True:
            try:
                line = fh.readline()
            except UnicodeDecodeError as exc:
                raise ApplicationError(f"{path.name} 不是 UTF-8 编码的文本（第{number + 1}行附近）") from exc
            except (OSError, EOFError, lzma.LZMAError) as exc:
                raise ApplicationError(f"无法读取 {path.name}：压缩文件已损坏（{exc}）", field="file") from exc
            if not line:
                break
            number += 1
            bar.update(len(line.encode("utf-8")))
            if not line.strip():
                continue
            try:
                values = parse_line(line)
            except ValueError as exc:
                errors.append(f"第{number}行: {exc}")
                bad += 1
                continue
            ext = values["external_id"]
            if ext in seen:
                errors.append(f"第{number}行: id「{ext}」与第{seen[ext]}行重复")
                bad += 1
                continue
            seen[ext] = number
            good.append(_Good(number, values))
    return good, errors, bad


def _existing(kind: str, ids: list[str]) -> dict[str, Achievement]:
    found: dict[str, Achievement] = {}
    for i in range(0, len(ids), BATCH):
        chunk = ids[i : i + BATCH]
        for a in Achievement.objects.filter(kind=kind, external_id__in=chunk).only("pk", "external_id", *FIELDS):
            found[a.external_id] = a
    return found


def import_corpus(
    path: str | Path,
    *,
    kind: str,
    skip_bad: bool = False,
    by=None,
    progress: bool | None = None,
    sync_index: bool = True,
) -> ImportResult:
    """Import achievements of ``kind`` (paper / patent / offer) from a JSONL file; see the module doc.

    ``progress``: a tqdm bar on stderr (``None``: only when stderr is a terminal).
    ``sync_index``: update the matching index, when one exists, for the changed records.
    """
    if kind not in AchievementKind.values:
        raise ApplicationError(f"成果类型应为 {' / '.join(AchievementKind.values)}，实际为「{kind}」", field="kind")
    path = Path(path)
    if not path.is_file():
        raise ApplicationError(f"找不到文件 {path}", field="file")
    good, errors, bad = _read(path, progress)
    if errors and not skip_bad:
        raise ImportRejected(errors, name=path.name)
    if not good and not errors:
        raise ApplicationError(f"{path.name} 中没有任何记录", field="file")

    result = ImportResult(skipped=bad, errors=errors)
    now = timezone.now()
    user = by if getattr(by, "pk", None) else None
    created: list[Achievement] = []
    changed: list[Achievement] = []
    with transaction.atomic():
        existing = _existing(kind, [g.values["external_id"] for g in good])
        for item in tqdm(
            good, desc="写入", unit="条", file=sys.stderr, disable=None if progress is None else not progress
        ):
            current = existing.get(item.values["external_id"])
            if current is None:
                created.append(Achievement(kind=kind, created_by=user, updated_by=user, **item.values))
                continue
            diff = {f: item.values[f] for f in FIELDS if getattr(current, f) != item.values[f]}
            if not diff:
                result.unchanged += 1
                continue
            for f, v in diff.items():
                setattr(current, f, v)
            current.updated_at = now
            current.updated_by = user
            changed.append(current)
        Achievement.objects.bulk_create(created, batch_size=BATCH)
        Achievement.objects.bulk_update(changed, [*FIELDS, "updated_at", "updated_by"], batch_size=BATCH // 2)
        result.created, result.updated = len(created), len(changed)
        AuditLog.objects.create(
            actor=user,
            source=current_source(),
            action=AuditAction.IMPORT,
            model=Achievement._meta.label_lower,
            object_id=kind,
            object_repr=path.name[:255],
            after={
                "file": path.name,
                "kind": kind,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "skipped": result.skipped,
            },
            note=f"导入 {path.name}（{kind}）：{result.summary('条')}"[:255],
        )
    if sync_index and (created or changed):
        from .services import achievement_index_sync

        achievement_index_sync(_ids(created, changed))
    return result


def _ids(*groups: Iterable[Achievement]) -> list[str]:
    return [a.external_id for group in groups for a in group]

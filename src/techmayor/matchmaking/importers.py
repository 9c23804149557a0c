"""Importing the resource pool from JSON lines: ``techmayor import corpus FILE.jsonl --kind paper``.

:func:`import_corpus` reads one record per line (the file may be compressed: ``.jsonl.gz``,
``.jsonl.xz``), shaped like the shipped ``techmayor/data/csl_papers.jsonl.xz``
(``id``, ``title``, ``abstract``, ``keywords``, ``discipline``, ``category``) or
``patents_ipc.jsonl`` (``id``, ``title``, ``ipc``); ``text`` is accepted for ``abstract`` and
keywords / IPC may be a list or a ``;``-separated string. The external id is kept and the import
upserts by ``(kind, external_id)``: unchanged rows are not touched, so importing a file twice
writes nothing the second time.

**Streaming, in two passes** (docs/decisions/0023-the-resource-pool-beyond-one-machine.md). A
national pool has millions of lines, so the file is never held in memory:

1. *Check*: every line is parsed and validated, and the good ones are staged in a temporary file
   (``marshal``: the writing pass reads them back without parsing again). Of each id only a
   64-bit hash and the line number stay in memory (16 bytes a line); ids whose hashes repeat are
   compared exactly in a second look at those lines only. Bad lines are reported as
   ``第N行: 原因``; if there are any and ``skip_bad`` is off, nothing is written.
2. *Write*: the staged lines are written in batches of :data:`BATCH`; each batch looks up its
   existing rows by ``(kind, external_id)`` (skipped when the pool holds nothing of this kind),
   inserts the new ones (``COPY`` on PostgreSQL, ``executemany`` on SQLite) and updates the changed
   ones. All batches run inside **one** transaction, so an import that fails half-way (a database
   error, Ctrl-C) leaves nothing; memory stays bounded by the batch.

Like the record imports it writes **one** summarising :class:`~techmayor.core.models.AuditLog` row
(action ``import``: file, kind and counts), not one per achievement. A tqdm bar on stderr shows each
pass (when stderr is a terminal); run as a job, the job card shows the same progress.

**The index follows.** After the transaction commits, the matching index (when one exists) takes
the created and changed achievements into its delta
(:func:`techmayor.matchmaking.services.achievement_index_sync`): they are findable at once, with no
rebuild. Only the ids that fit the delta are kept during the import; past that (more than about
10 % of the pool) the index is rebuilt, as the sync would do anyway.
"""

from __future__ import annotations

import json
import lzma
import marshal
import struct
import tempfile
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import BinaryIO

import orjson
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

from techmayor.core.audit import current_source
from techmayor.core.errors import ApplicationError
from techmayor.core.files import ImportRejected, ImportResult, is_compressed, open_file
from techmayor.core.models import AuditAction, AuditLog
from techmayor.core.progress import Meter
from techmayor.core.progress import meter as pass_meter
from techmayor.core.text import clean_text, formula_problem
from techmayor.resources.choices import AchievementKind
from techmayor.resources.models import Achievement

FIELDS = ("title", "abstract", "keywords", "discipline", "category", "ipc")
BATCH = 5000  # lines read, looked up and written together (memory is bounded by this)
LOOKUP = 900  # ids per lookup query: under SQLite's limit of bound variables
ERRORS_KEPT = 1000  # error lines kept for the report; the count covers them all
TICK = 2000  # lines between updates of the progress bar
ANALYZE_AFTER = 50_000  # new rows after which the table's planner statistics are refreshed


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


@cache
def _limit(field: str) -> int | None:
    return Achievement._meta.get_field(field).max_length


def parse_line(line: str) -> dict:
    """One JSON line → the Achievement field values; ``ValueError`` says what is wrong."""
    try:
        data = orjson.loads(line)
    except orjson.JSONDecodeError:
        data = None  # json decides (what orjson refuses and json reads: NaN, huge numbers), with its messages
    try:
        data = json.loads(line) if data is None else data
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
    for name in ("external_id", "title", "discipline", "category"):
        limit = _limit(name)
        if limit and len(values[name]) > limit:
            raise ValueError(f"{name} 不能超过 {limit} 个字，实际 {len(values[name])} 个字")
    return values


# ---------------------------------------------------------------- reading


def _lines(path: Path, meter: Meter | None = None) -> Iterator[tuple[int, str]]:
    """``(line number, text)`` of the file's non-blank lines, read as bytes a line at a time (the
    meter counts the file's own bytes)."""
    pending = 0
    number = 0
    try:
        with open_file(path, "rb") as fh:
            for raw in fh:
                number += 1
                pending += len(raw)
                if meter is not None and number % TICK == 0:
                    meter.add(pending)
                    pending = 0
                try:
                    line = raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise ApplicationError(f"{path.name} 不是 UTF-8 编码的文本（第{number}行）", field="file") from exc
                if number == 1:
                    line = line.removeprefix("\ufeff")
                if line.strip():
                    yield number, line
    except (OSError, EOFError, lzma.LZMAError) as exc:
        problem = "压缩文件已损坏" if is_compressed(path) else "文件无法读取"
        raise ApplicationError(f"无法读取 {path.name}：{problem}（{exc}）", field="file") from exc
    if meter is not None:
        meter.add(pending)


@dataclass
class _Check:
    """What the checking pass learnt: the good lines' count and the bad lines (reported by number)."""

    records: int = 0
    bad: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # the first ERRORS_KEPT by line number
    repeated: set[int] = field(default_factory=set)  # lines repeating an earlier line's id: never written

    def fail(self, number: int, reason: str) -> None:
        self.bad += 1
        self.errors.append((number, reason))
        if len(self.errors) > 2 * ERRORS_KEPT:
            self._trim()

    def _trim(self) -> None:
        self.errors.sort()
        del self.errors[ERRORS_KEPT:]

    def report(self) -> list[str]:
        self._trim()
        lines = [f"第{n}行: {reason}" for n, reason in self.errors]
        if self.bad > len(lines):
            lines.append(f"……另有 {self.bad - len(lines)} 行错误未列出")
        return lines


# A staged line: (line number, external_id, *FIELDS), as parse_line made it; marshal, after its length.
_STAGED = ("external_id", *FIELDS)
_FRAME = struct.Struct("<I")


def _check(path: Path, stage: BinaryIO, meter: Meter) -> _Check:
    """The first pass: parse and validate every line, stage the good ones (``marshal``, read back
    by the writing pass without parsing again) and find repeated ids in 12 bytes a line."""
    check = _Check()
    hashes = array("q")
    numbers = array("q")
    dumps, pack = marshal.dumps, _FRAME.pack
    for number, line in _lines(path, meter):
        try:
            values = parse_line(line)
        except ValueError as exc:
            check.fail(number, str(exc))
            continue
        blob = dumps((number, *(values[f] for f in _STAGED)))
        stage.write(pack(len(blob)))
        stage.write(blob)
        hashes.append(hash(values["external_id"]))
        numbers.append(number)
    check.records = len(hashes)
    candidates = _same_hash(hashes, numbers)
    if candidates:
        _repeats(stage, candidates, check)
        check.records -= len(check.repeated)
    return check


def _staged(stage: BinaryIO) -> Iterator[tuple]:
    """The staged lines from the start."""
    stage.flush()
    stage.seek(0)
    loads, unpack, read, size = marshal.loads, _FRAME.unpack, stage.read, _FRAME.size
    while head := read(size):
        yield loads(read(unpack(head)[0]))


def _same_hash(hashes: array, numbers: array) -> set[int]:
    """Line numbers whose id hash another line shares (repeats, or in rare cases hash collisions)."""
    import numpy as np

    if len(hashes) < 2:
        return set()
    h = np.frombuffer(hashes, dtype=np.int64)
    order = np.argsort(h, kind="stable")
    ordered = h[order]
    same = ordered[1:] == ordered[:-1]
    if not same.any():
        return set()
    mask = np.zeros(len(ordered), dtype=bool)
    mask[1:] |= same
    mask[:-1] |= same
    return set(np.frombuffer(numbers, dtype=np.int64)[order[mask]].tolist())


def _repeats(stage: BinaryIO, candidates: set[int], check: _Check) -> None:
    """A second look at the candidate lines only: the exact ids, each repeat against its first line."""
    first: dict[str, int] = {}
    for number, ext, *_ in _staged(stage):
        if number not in candidates:
            continue
        if ext in first:
            check.fail(number, f"id「{ext}」与第{first[ext]}行重复")
            check.repeated.add(number)
        else:
            first[ext] = number
        candidates.discard(number)
        if not candidates:
            break


# ---------------------------------------------------------------- writing


@dataclass
class CorpusImportResult(ImportResult):
    """An import's counts, and what became of the matching index: ``none`` (no index, or nothing
    changed), ``delta`` (the changes are in the index's delta, findable now) or ``rebuilt``."""

    index: str = "none"

    def summary(self, unit: str = "条") -> str:
        text = super().summary(unit)
        if self.index == "delta":
            text += "；匹配索引已增量更新"
        elif self.index == "rebuilt":
            text += "；匹配索引已重建"
        return text


class _Follow:
    """The ids the index must take after the import, kept only while they fit its delta."""

    def __init__(self, room: int | None) -> None:
        self.room = room  # None: no index to follow
        self.ids: list[str] = []
        self.overflow = False

    def add(self, ids: list[str]) -> None:
        if self.room is None or self.overflow or not ids:
            return
        if len(self.ids) + len(ids) > self.room:
            self.overflow, self.ids = True, []
            return
        self.ids.extend(ids)

    @property
    def pending(self) -> bool:
        return self.overflow or bool(self.ids)

    def sync(self) -> str:
        from . import services

        if self.overflow:
            services.matching_index_build()
            return "rebuilt"
        if self.ids:
            return services.achievement_index_sync(self.ids)
        return "none"


def _existing(kind: str, ids: list[str]) -> dict[str, tuple]:
    """external id → (pk, *FIELDS) of the rows of ``kind`` among ``ids``."""
    found: dict[str, tuple] = {}
    for i in range(0, len(ids), LOOKUP):
        rows = Achievement.objects.filter(kind=kind, external_id__in=ids[i : i + LOOKUP])
        for ext, *row in rows.values_list("external_id", "pk", *FIELDS):
            found[ext] = tuple(row)
    return found


# The columns a new achievement is inserted with (the others are NULL): staged values, then these.
_INSERTED = (*_STAGED, "kind", "is_demo", "created_at", "updated_at", "created_by", "updated_by")
_JSON = {i for i, f in enumerate(_STAGED) if f in ("keywords", "ipc")}
_quote = json.encoder.encode_basestring  # json's own C quoting of a string (ensure_ascii=False)


def _json_text(items: list[str]) -> str:
    """``json.dumps(items, ensure_ascii=False)`` of a list of strings, the same text, without the
    encoder's machinery per call."""
    return "[" + ", ".join(map(_quote, items)) + "]"


def _insert(rows: list[tuple]) -> None:
    """Insert new achievements (tuples in the order of ``_INSERTED``) in one statement per batch:
    ``COPY`` on PostgreSQL, ``executemany`` on SQLite; Django's ``bulk_create`` elsewhere. The
    ORM's bulk path spends most of its time compiling SQL, per row and field."""
    if not rows:
        return
    meta = Achievement._meta
    columns = [meta.get_field(f).column for f in _INSERTED]
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        Achievement.objects.bulk_create([Achievement(**dict(zip(_INSERTED, r, strict=True))) for r in rows])
        return
    qn = connection.ops.quote_name
    table = qn(meta.db_table)
    names = ", ".join(qn(c) for c in columns)
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})", rows)


@dataclass
class _Writer:
    kind: str
    user: object
    lookup: bool  # False: the pool holds nothing of this kind yet, every line is new
    result: CorpusImportResult
    follow: _Follow
    now: object = field(default_factory=timezone.now)

    def __post_init__(self) -> None:
        user_id = getattr(self.user, "pk", None)
        stamp = self.now if connection.vendor != "sqlite" else connection.ops.adapt_datetimefield_value(self.now)
        self.tail = (self.kind, False, stamp, stamp, user_id, user_id)  # kind … updated_by of a new row

    def write(self, batch: list[tuple]) -> None:
        """``batch``: staged lines (line number, external_id, *FIELDS)."""
        existing = _existing(self.kind, [r[1] for r in batch]) if self.lookup else {}
        created: list[tuple] = []
        changed: list[Achievement] = []
        for _number, ext, *values in batch:
            row = existing.get(ext)
            if row is None:
                created.append(self._new(ext, values))
            elif all(old == new for old, new in zip(row[1:], values, strict=True)):
                self.result.unchanged += 1
            else:
                fields = dict(zip(FIELDS, values, strict=True))
                changed.append(
                    Achievement(pk=row[0], kind=self.kind, updated_at=self.now, updated_by=self.user, **fields)
                )
        _insert(created)
        Achievement.objects.bulk_update(changed, [*FIELDS, "updated_at", "updated_by"], batch_size=500)
        self.result.created += len(created)
        self.result.updated += len(changed)
        self.follow.add([r[0] for r in created] + [a.external_id for a in changed])

    def _new(self, ext: str, values: list) -> tuple:
        staged = [ext, *values]
        for i in _JSON:
            staged[i] = _json_text(staged[i])
        return (*staged, *self.tail)


def _write(stage: BinaryIO, check: _Check, writer: _Writer, *, meter: Meter) -> None:
    """The second pass, inside the caller's transaction: the staged lines in batches of BATCH."""
    batch: list[tuple] = []
    for staged in _staged(stage):
        if staged[0] in check.repeated:
            continue
        batch.append(staged)
        if len(batch) >= BATCH:
            writer.write(batch)
            meter.add(len(batch))
            batch = []
    if batch:
        writer.write(batch)
        meter.add(len(batch))


# ---------------------------------------------------------------- the import


def import_corpus(
    path: str | Path,
    *,
    kind: str,
    skip_bad: bool = False,
    by=None,
    progress: bool | None = None,
    report=None,
    sync_index: bool = True,
) -> CorpusImportResult:
    """Import achievements of ``kind`` (paper / patent / offer) from a JSONL file; see the module doc.

    ``progress``: a tqdm bar on stderr (``None``: only when stderr is a terminal).
    ``report``: a job's :class:`~techmayor.core.jobs.Progress`, shown on its card.
    ``sync_index``: update the matching index, when one exists, for the changed records.
    """
    if kind not in AchievementKind.values:
        raise ApplicationError(f"成果类型应为 {' / '.join(AchievementKind.values)}，实际为「{kind}」", field="kind")
    path = Path(path)
    if not path.is_file():
        raise ApplicationError(f"找不到文件 {path}", field="file")
    size = None if is_compressed(path) else path.stat().st_size
    with tempfile.TemporaryFile(prefix="techmayor-corpus-") as stage:
        with pass_meter(
            gettext("正在校验 %(name)s") % {"name": path.name}, total=size, unit="B", terminal=progress, report=report
        ) as meter:
            check = _check(path, stage, meter)
        if check.bad and not skip_bad:
            raise ImportRejected(check.report(), name=path.name, count=check.bad)
        if not check.records and not check.bad:
            raise ApplicationError(f"{path.name} 中没有任何记录", field="file")

        user = by if getattr(by, "pk", None) else None
        result = CorpusImportResult(skipped=check.bad, errors=check.report())
        follow = _Follow(_index_room() if sync_index else None)
        writer = _Writer(kind, user, Achievement.objects.filter(kind=kind).exists(), result, follow)
        with (
            pass_meter(
                gettext("正在写入 %(name)s") % {"name": path.name},
                total=check.records,
                unit="条",
                terminal=progress,
                report=report,
            ) as meter,
            transaction.atomic(),
        ):
            _write(stage, check, writer, meter=meter)
            _audit(path, kind, user, result)
    if result.created >= ANALYZE_AFTER:
        _analyze()
    if follow.pending:
        if report is not None:
            report.stage(gettext("正在更新匹配索引"))
        result.index = follow.sync()
    return result


def _analyze() -> None:
    """Fresh planner statistics after a bulk load: without them PostgreSQL planned the next import's
    id lookups over a million rows as if the table were empty (a re-import took minutes in the
    database alone)."""
    if connection.vendor in ("postgresql", "sqlite"):
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(Achievement._meta.db_table)}")


def _index_room() -> int | None:
    from .services import achievement_index_room

    return achievement_index_room()


def _audit(path: Path, kind: str, user, result: ImportResult) -> None:
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

"""An import's rows in batches: planned a batch at a time while the file is read, staged, and read
back a batch at a time by the writing pass (docs/decisions/0018-record-imports.md, "Streaming").

The checking pass (:func:`plan_file`) reads the file's rows as the reader yields them, plans
:data:`BATCH` rows at a time (parse and resolve each row, then look the batch's natural keys up
among the existing records at once) and keeps only:

- the counts, the first :data:`KEPT` error, warning and large-amount lines (the counts cover all),
  and the first :data:`KEPT` rows of each action for the preview to list;
- of each natural key a 128-bit digest and its row number (a repeated key is a bad row naming the
  first; 128 bits make a false repeat unthinkable, unlike Python's 64-bit ``hash``);
- the rows to write (create, update) in an anonymous temporary file: ``pickle``, one frame per
  batch. Model instances a row refers to (its group, members, region, enterprise …) are pickled by
  reference to the instance the lookups already hold, so a staged row stays small and the writing
  pass gets the very same objects back; the record a row updates is pickled whole.

The writing pass (:meth:`Preview.batches`) reads the staged rows back a batch at a time, so memory
is bounded by the batch, not the file.
"""

from __future__ import annotations

import hashlib
import io
import pickle
import struct
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.db import models
from django.utils.translation import gettext

from .engine import (
    BAD,
    CREATE,
    UNCHANGED,
    UPDATE,
    ImportContext,
    ImportKind,
    Layout,
    RowError,
    RowPlan,
    data_rows,
    row_line,
)

BATCH = 5000  # rows planned, looked up, staged and written together
KEPT = 1000  # error / warning / large-amount lines kept, and rows of each action listed by the preview
_FRAME = struct.Struct("<II")  # a staged batch: its size in bytes and its number of rows


@dataclass
class Preview:
    """What importing a file would do: counts, the lines to show, and the staged rows to write."""

    kind: ImportKind
    file_name: str
    sha256: str
    layout: Layout
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys((CREATE, UPDATE, UNCHANGED, BAD), 0))
    rows: list[RowPlan] = field(default_factory=list)  # the first KEPT rows of each action, in file order
    errors: list[str] = field(default_factory=list)  # the first KEPT lines
    error_count: int = 0
    warnings: list[str] = field(default_factory=list)  # the first KEPT lines
    warning_count: int = 0
    large_lines: list[str] = field(default_factory=list)  # amounts above PLAUSIBLE_WAN in rows to write
    large_count: int = 0  # rows to write with such an amount (they need confirm_amounts)
    timings: dict[str, float] = field(default_factory=dict)
    staging: bool = True  # stage the rows to write (a preview only shown needs not)
    stage: BinaryIO | None = None
    refs: dict[tuple[str, Any], models.Model] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Data rows read."""
        return sum(self.counts.values())

    @property
    def writes(self) -> int:
        return self.counts[CREATE] + self.counts[UPDATE]

    def of(self, action: str) -> list[RowPlan]:
        """The listed rows (at most KEPT) of one action."""
        return [p for p in self.rows if p.action == action]

    def add(self, plan: RowPlan) -> None:
        self.counts[plan.action] += 1
        if self.counts[plan.action] <= KEPT:
            self.rows.append(plan)
        self.note_errors(plan.errors)
        self.warning_count += len(plan.warnings)
        self.warnings.extend(plan.warnings[: max(0, KEPT - len(self.warnings))])
        if plan.large and plan.action in (CREATE, UPDATE):
            self.large_count += 1
            self.large_lines.extend(plan.large[: max(0, KEPT - len(self.large_lines))])

    def note_errors(self, lines: list[str]) -> None:
        self.error_count += len(lines)
        self.errors.extend(lines[: max(0, KEPT - len(self.errors))])

    # --- staging -----------------------------------------------------------------------------

    def put(self, plans: list[RowPlan]) -> None:
        """Stage a batch of rows to write."""
        if not plans or not self.staging:
            return
        if self.stage is None:
            self.stage = tempfile.TemporaryFile(prefix="techmayor-import-")  # noqa: SIM115 - closed by close()
        buffer = io.BytesIO()
        pickler = _Stager(buffer, self.refs)
        for plan in plans:
            pickler.own = plan.obj
            pickler.dump(_slim(plan))
        blob = buffer.getvalue()
        self.stage.write(_FRAME.pack(len(blob), len(plans)))
        self.stage.write(blob)

    def batches(self) -> Iterator[list[RowPlan]]:
        """The staged rows, a batch at a time, from the start."""
        if self.stage is None:
            return
        self.stage.flush()
        self.stage.seek(0)
        while head := self.stage.read(_FRAME.size):
            size, count = _FRAME.unpack(head)
            unpickler = _Unstager(io.BytesIO(self.stage.read(size)), self.refs)
            yield [unpickler.load() for _ in range(count)]

    def close(self) -> None:
        if self.stage is not None:
            self.stage.close()
            self.stage = None


def _slim(plan: RowPlan) -> RowPlan:
    """What the writing pass needs of a row (not its preview remarks)."""
    return RowPlan(number=plan.number, action=plan.action, data=plan.data, key=plan.key, obj=plan.obj,
                   changes=plan.changes, summary=plan.summary)  # fmt: skip


class _Stager(pickle.Pickler):
    """Pickles the model instances a row refers to by ``(label, pk)``, keeping the instance in
    ``refs`` (shared with the lookups' caches, so bounded by the distinct members, groups …);
    ``own`` (the record a row updates) is pickled whole."""

    def __init__(self, file, refs: dict) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.refs = refs
        self.own: Any = None

    def persistent_id(self, obj):
        if isinstance(obj, models.Model) and obj is not self.own and obj.pk is not None:
            key = (obj._meta.label_lower, obj.pk)
            self.refs.setdefault(key, obj)
            return key
        return None


class _Unstager(pickle.Unpickler):
    def __init__(self, file, refs: dict) -> None:
        super().__init__(file)
        self.refs = refs

    def persistent_load(self, key):
        return self.refs[tuple(key)]


# --- the checking pass ------------------------------------------------------------------------


def _digest(key: tuple) -> bytes:
    return hashlib.blake2b(repr(key).encode(), digest_size=16).digest()


def plan_file(preview: Preview, rows: Iterable, ctx: ImportContext, *, meter=None, batch: int | None = None) -> Preview:
    """Plan every data row of ``rows`` (a :class:`~techmayor.core.files.RowStream` or a table) into
    ``preview``, a batch at a time; the rows to write are staged. Nothing is written."""
    kind, layout = preview.kind, preview.layout
    batch = batch or BATCH
    seen: dict[bytes, int] = {}
    ctx.cache["kind"] = kind
    pending: list[RowPlan] = []
    for row, values in data_rows(rows, layout):
        pending.append(_prepare(kind, row.number, values, ctx, seen))
        if len(pending) >= batch:
            _classify(preview, pending, ctx, meter)
            pending = []
    _classify(preview, pending, ctx, meter)
    return preview


def _prepare(kind: ImportKind, number: int, values: dict[str, str], ctx: ImportContext, seen: dict) -> RowPlan:
    """Parse and resolve one row; a key met before makes it bad."""
    plan = RowPlan(number=number, action=CREATE)
    ctx.cache["warnings"] = []
    ctx.cache["large"] = []
    try:
        plan.data = kind.prepare(values, ctx)
        plan.key = kind.natural_key(plan.data)
        plan.summary = kind.summary(plan.data)
    except RowError as err:
        plan.action = BAD
        plan.errors.append(row_line(number, err.label, err.reason))
    plan.warnings = [row_line(number, label, reason) for label, reason in ctx.cache.pop("warnings")]
    plan.large = [row_line(number, label, reason) for label, reason in ctx.cache.pop("large")]
    if plan.action != BAD:
        digest = _digest(plan.key)
        first = seen.setdefault(digest, number)
        if first != number:
            plan.action = BAD
            plan.errors.append(row_line(number, kind.fields[0].label, gettext("与第%(row)s行重复") % {"row": first}))
    return plan


def _classify(preview: Preview, plans: list[RowPlan], ctx: ImportContext, meter) -> None:
    """Look a batch's keys up among the existing records; count, keep and stage its rows."""
    if not plans:
        return
    kind = preview.kind
    keys = {p.key for p in plans if p.action != BAD}
    existing = kind.existing(ctx, keys) if keys else {}
    for plan in plans:
        if plan.action != BAD and plan.key in existing:
            plan.obj = existing[plan.key]
            try:
                plan.changes = kind.changes(plan.obj, plan.data, ctx)
                plan.action = UPDATE if plan.changes else UNCHANGED
            except RowError as err:
                plan.action = BAD
                plan.errors.append(row_line(plan.number, err.label, err.reason))
        preview.add(plan)
    preview.put([p for p in plans if p.action in (CREATE, UPDATE)])
    if meter is not None:
        meter.add(len(plans))

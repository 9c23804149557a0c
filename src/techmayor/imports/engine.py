"""The import engine: a file → its header found and mapped by Chinese synonyms → each row parsed,
resolved and checked by its kind → a preview (create / update / unchanged / bad) → one transaction
through the kind's services.

A kind of import (:class:`ImportKind`) is declared by its own app in ``imports.py`` next to its
record kinds and registered in :data:`kinds`; the engine knows no app below it but the roster
(batches, groups, members: every credited record is credited to them) and the accounts' scopes.

Header rows are found wherever they are: below title rows, spread over two rows (a merged
group label above its columns), with merged cells (the value is in the first cell only). A column
matches a field when its label, folded for width and spaces and without a unit in brackets
(``合同金额（万元）``), is one of the field's names.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext

from techmayor.core.errors import ApplicationError
from techmayor.core.files import Row, RowStream, TableData, header_key
from techmayor.core.limits import PLAUSIBLE_WAN
from techmayor.core.text import wan

_UNIT = re.compile(r"[（(][^（）()]*[)）]$")
_NOT_DATA = ("合计", "总计", "小计", "注：", "注:", "说明", "填表", "备注：", "备注:")
SCAN = 30  # header rows are looked for among the first SCAN non-blank rows


class RowError(Exception):
    """A bad value in one row: ``第N行: <label>: <reason>``."""

    def __init__(self, label: str, reason: str):
        super().__init__(f"{label}: {reason}")
        self.label = label
        self.reason = reason


@dataclass(frozen=True)
class Field:
    """A column a kind reads: its name in the data, its label and the other names ledgers give it."""

    name: str
    label: str
    synonyms: tuple[str, ...] = ()
    required: bool = False  # the header must have it (only the columns that identify a row)

    def names(self) -> set[str]:
        return {label_key(n) for n in (self.label, *self.synonyms)}


def label_key(label: str) -> str:
    """A header cell folded for matching: width, spaces, ``*`` markers and a trailing unit dropped."""
    key = header_key(label)
    return _UNIT.sub("", key) or key


class ImportKind:
    """One kind of import. Subclasses set the class attributes and implement the methods.

    ``prepare`` turns a row's cells (by field name) into the arguments of the kind's service,
    resolving references (enterprise, group, members …) through ``ctx``; it raises
    :class:`RowError` for a bad value. ``natural_key`` identifies the record the row stands for,
    so that importing the same file again changes nothing.
    """

    key: str = ""
    label: str = ""  # 走访记录
    unit: str = "条"
    fields: tuple[Field, ...] = ()
    credited: bool = True  # records credited to a batch's group: needs --batch and a write scope
    bulk_min: int | None = None  # from this many new rows, ``create_bulk`` writes them

    def prepare(self, values: dict[str, str], ctx: ImportContext) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError

    def natural_key(self, data: dict) -> tuple:  # pragma: no cover - abstract
        raise NotImplementedError

    def existing(self, ctx: ImportContext, keys: set[tuple]) -> dict[tuple, Any]:  # pragma: no cover
        raise NotImplementedError

    def changes(self, obj, data: dict, ctx: ImportContext) -> dict:
        """What would change in ``obj``; raises :class:`RowError` when the user may not change it."""
        return {}

    def create(self, data: dict, ctx: ImportContext):  # pragma: no cover - abstract
        raise NotImplementedError

    def update(self, obj, changes: dict, data: dict, ctx: ImportContext):  # pragma: no cover - abstract
        raise NotImplementedError

    def create_bulk(self, plans: list[RowPlan], ctx: ImportContext) -> None:  # pragma: no cover - optional
        raise NotImplementedError

    def allowed(self, ctx: ImportContext) -> bool:
        """Whether the importer may import this kind at all (rows are then checked one by one)."""
        if not self.credited:
            return True
        from .lookups import write_scope

        return write_scope(ctx) is not None

    def summary(self, data: dict) -> str:
        return " ".join(str(v) for v in self.natural_key(data) if v not in (None, ""))

    # --- helpers ---------------------------------------------------------------------------

    def label_of(self, name: str | None) -> str:
        """The column label for a service error's field name."""
        for f in self.fields:
            if f.name == name:
                return f.label
        return ""

    @property
    def required(self) -> list[Field]:
        return [f for f in self.fields if f.required]


kinds: dict[str, ImportKind] = {}


def register(*items: ImportKind) -> None:
    for kind in items:
        if kind.key in kinds:
            raise ValueError(f"import kind {kind.key!r} is registered twice")
        kinds[kind.key] = kind


def get_kind(key: str) -> ImportKind:
    try:
        return kinds[key]
    except KeyError as exc:
        raise ApplicationError(
            gettext("未知的导入类型「%(kind)s」（可选：%(choices)s）") % {"kind": key, "choices": "、".join(kinds)},
            field="kind",
        ) from exc


# --- header ------------------------------------------------------------------------------------


@dataclass
class Layout:
    """Where a file's header is and which column holds each field."""

    first: int  # row number of the header's first row
    last: int  # row number of its last row (data start below)
    labels: list[str]  # each column's label as read (two-row headers joined with "/")
    columns: dict[str, int]  # field name → column index
    digest: str = ""

    def missing(self, kind: ImportKind) -> list[Field]:
        return [f for f in kind.required if f.name not in self.columns]


def digest_of(labels: Sequence[str]) -> str:
    return hashlib.sha256("\x1f".join(header_key(x) for x in labels).encode()).hexdigest()


def _filled_forward(cells: Sequence[str], width: int) -> list[str]:
    out, last = [], ""
    for i in range(width):
        value = cells[i] if i < len(cells) else ""
        last = value or last
        out.append(last)
    return out


def _candidates(upper: Row | None, lower: Row) -> tuple[list[str], list[list[str]]]:
    """Each column's possible labels: the lower cell, else the upper one (merged vertically), and
    the upper (merged horizontally, filled forward) with the lower one."""
    width = max(len(lower.cells), len(upper.cells) if upper else 0)
    up = list(upper.cells) + [""] * (width - len(upper.cells)) if upper else [""] * width
    up_filled = _filled_forward(up, width) if upper else [""] * width
    labels, candidates = [], []
    for i in range(width):
        low = lower.cells[i] if i < len(lower.cells) else ""
        options = [low] if low else ([up[i]] if up[i] else [])
        if low and up_filled[i]:
            options += [up_filled[i] + low, up_filled[i]]
        labels.append("/".join(x for x in (up[i] if upper else "", low) if x) or up_filled[i])
        candidates.append(options)
    return labels, candidates


def _match(kind: ImportKind, candidates: list[list[str]]) -> dict[str, int]:
    wanted = {key: f.name for f in kind.fields for key in f.names()}
    columns: dict[str, int] = {}
    for index, options in enumerate(candidates):
        for option in options:
            name = wanted.get(label_key(option))
            if name is not None and name not in columns:
                columns[name] = index
                break
    return columns


def locate(table: TableData | RowStream, kind: ImportKind, *, scan: int = SCAN) -> Layout:
    """The header of ``table`` for ``kind``: the row (or pair of rows) matching the most fields,
    with every required one. Raises ``ApplicationError`` naming the columns missing otherwise."""
    best: tuple[tuple, Layout] | None = None
    rows = [r for r in table.head(scan) if not r.is_blank][:scan]
    for i, row in enumerate(rows):
        pairs = [(None, row)]
        if i > 0 and rows[i - 1].number == row.number - 1:
            pairs.append((rows[i - 1], row))
        for upper, lower in pairs:
            labels, candidates = _candidates(upper, lower)
            columns = _match(kind, candidates)
            required = sum(1 for f in kind.required if f.name in columns)
            score = (required, len(columns))  # the first header wins (one repeated below is not it)
            if best is None or score > best[0]:
                first = upper.number if upper else lower.number
                best = (score, Layout(first, lower.number, labels, columns, digest_of(labels)))
    if best is None:
        raise ApplicationError(gettext("文件为空：%(file)s 中没有任何数据") % {"file": table.name}, field="file")
    layout = best[1]
    missing = layout.missing(kind)
    if missing:
        names = "、".join(
            gettext("%(label)s（或 %(synonyms)s）") % {"label": f.label, "synonyms": "/".join(f.synonyms[:3])}
            if f.synonyms
            else f.label
            for f in missing
        )
        raise ApplicationError(
            gettext("表头（第%(row)s行）缺少列：%(names)s") % {"row": layout.last, "names": names},
            field="header",
            extra={"layout": layout},
        )
    return layout


def layout_at(table: TableData | RowStream, kind: ImportKind, last: int, mapping: dict[str, int | None]) -> Layout:
    """A layout the user set: the header ends at row ``last``; ``mapping`` gives each field's column."""
    rows = {r.number: r for r in table.until(last)}
    lower = rows.get(last)
    if lower is None:
        raise ApplicationError(gettext("第%(row)s行不是表头行") % {"row": last}, field="header")
    upper = rows.get(last - 1)
    labels, _ = _candidates(upper if upper and not upper.is_blank else None, lower)
    columns = {
        name: int(index)
        for name, index in mapping.items()
        if index is not None and str(index) != "" and any(f.name == name for f in kind.fields)
    }
    layout = Layout(last - 1 if upper else last, last, labels, columns, digest_of(labels))
    missing = layout.missing(kind)
    if missing:
        raise ApplicationError(
            gettext("须指定这些列：%(names)s") % {"names": "、".join(f.label for f in missing)}, field="header"
        )
    return layout


def data_rows(table: Iterable[Row], layout: Layout) -> Iterable[tuple[Row, dict[str, str]]]:
    """The rows below the header with their mapped cells, as they are read; blank, totals, note and
    repeated header rows skipped."""
    header = {label_key(x) for x in layout.labels if x}
    raw = {x for label in layout.labels for x in label.split("/") if x}
    for row in table:
        if row.number <= layout.last or row.is_blank:
            continue
        filled = row.filled
        if filled[0].startswith(_NOT_DATA):
            continue
        values = {name: row.get(index) for name, index in layout.columns.items()}
        if not any(values.values()):
            continue
        repeated = any(v in raw for v in values.values()) and sum(
            1 for v in values.values() if v and label_key(v) in header
        )
        if repeated and repeated >= max(2, len(values) // 2):
            continue  # the header repeated on every printed page
        yield row, values


# --- preview and plans -------------------------------------------------------------------------

CREATE, UPDATE, UNCHANGED, BAD = "create", "update", "unchanged", "bad"


@dataclass
class RowPlan:
    number: int
    action: str
    data: dict = field(default_factory=dict)
    key: tuple = ()
    obj: Any = None
    changes: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    summary: str = ""
    large: list[str] = field(default_factory=list)  # amounts above PLAUSIBLE_WAN: written only once confirmed


@dataclass
class ImportContext:
    """Who imports, into which batch, and the lookups the kinds share (built once per import)."""

    user: Any
    batch: Any = None
    allow_similar: bool = False
    confirm_amounts: bool = False  # amounts above PLAUSIBLE_WAN 万元 checked by the importer
    cache: dict = field(default_factory=dict)

    def cached(self, key: str, build: Callable[[], Any]) -> Any:
        if key not in self.cache:
            self.cache[key] = build()
        return self.cache[key]

    def warn(self, label: str, reason: str) -> None:
        """A remark on the row being read, shown in the preview (a possible duplicate, a new enterprise …)."""
        self.cache.setdefault("warnings", []).append((label, reason))

    def amount(self, label: str, amount: Decimal | None) -> Decimal | None:
        """An amount in 万元 read from the row: above ``PLAUSIBLE_WAN`` it is a warning, and the row is
        written only when the import is confirmed (``confirm_amounts``), as a form asks to confirm it."""
        if amount is not None and amount > PLAUSIBLE_WAN:
            reason = gettext("%(wan)s万元（%(yi)s亿元）超过常见金额，请核对") % {
                "wan": wan(amount),
                "yi": wan(amount / 10000),
            }
            self.warn(label, reason)
            self.cache.setdefault("large", []).append((label, reason))
        return amount


def row_line(number: int, label: str, reason: str) -> str:
    if label:
        return gettext("第%(row)s行: %(label)s: %(reason)s") % {"row": number, "label": label, "reason": reason}
    return gettext("第%(row)s行: %(reason)s") % {"row": number, "reason": reason}


def insert_rows(model, fields: Sequence[str], rows: Iterable[Sequence[Any]], *, chunk: int = 5000) -> None:
    """``INSERT`` many rows of ``model`` with ``executemany`` (no model instances, no signals: a bulk
    writer's many-to-many links and audit records). Values must be ready for the database: ids, text,
    and what ``prepare`` returned for dates and JSON."""
    from django.db import connection

    opts = model._meta
    columns = [opts.get_field(name).column for name in fields]
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        connection.ops.quote_name(opts.db_table),
        ", ".join(connection.ops.quote_name(c) for c in columns),
        ", ".join(["%s"] * len(columns)),
    )
    batch: list[Sequence[Any]] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(row)
            if len(batch) >= chunk:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def prepare(model, name: str, value: Any) -> Any:
    """``value`` as the database stores ``model.name`` (a date-time, a JSON document …)."""
    from django.db import connection

    return model._meta.get_field(name).get_db_prep_save(value, connection)

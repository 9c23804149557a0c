"""Reading the tables people actually send: ``.xls``, ``.xlsx`` and CSV in UTF-8 or GBK.

Every importer starts here. :func:`read_rows` turns the first sheet of a workbook (or a CSV
file) into :class:`Row` objects: the cells as trimmed strings, each row with the 1-based row
number a user sees in Excel, so errors can say ``第N行``. :func:`find_header` then locates the
header row by the column names it must contain, wherever the title rows above it end.

Cells keep their characters as written (full-width brackets in ``中国矿业大学（北京）`` stay);
only white space is trimmed and collapsed. Header names are matched width- and space-insensitively.
Numbers Excel stores as floats come back as Excel shows them: ``4111010001.0`` → ``"4111010001"``.

Files compressed with gzip or xz (``list.xls.xz``, ``corpus.jsonl.gz``) are read as what they hold:
:func:`open_file` decompresses by the last suffix, and :func:`content_suffix` names the one before it.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import gzip
import io
import lzma
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ApplicationError
from .text import DROPPED, clean_text

SUPPORTED = (".xls", ".xlsx", ".csv")
_DECOMPRESSORS = {".gz": gzip.open, ".xz": lzma.open}
_SUPPORTED_TEXT = "、".join(SUPPORTED)

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the legacy .xls container
_ZIP_MAGIC = b"PK\x03\x04"  # .xlsx is a zip archive
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Row:
    """One physical row: ``number`` is 1-based, as Excel numbers it; ``cells`` are cleaned strings."""

    number: int
    cells: tuple[str, ...]

    def get(self, index: int | None) -> str:
        if index is None or index >= len(self.cells):
            return ""
        return self.cells[index]

    @property
    def is_blank(self) -> bool:
        return not any(self.cells)

    @property
    def filled(self) -> list[str]:
        return [c for c in self.cells if c]


@dataclass
class TableData:
    """The rows of one sheet (or CSV file) and where they came from."""

    path: Path
    rows: list[Row]
    sheet: str = ""
    encoding: str = ""

    @property
    def name(self) -> str:
        return self.path.name

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)

    def head(self, scan: int) -> list[Row]:
        """The rows up to the ``scan``-th non-blank one (where a header is looked for)."""
        return _head(self.rows, scan)

    def until(self, number: int) -> list[Row]:
        """The rows numbered up to ``number``."""
        return [r for r in self.rows if r.number <= number]


def _head(rows: Iterable[Row], scan: int) -> list[Row]:
    out, seen = [], 0
    for row in rows:
        if seen >= scan:
            break
        out.append(row)
        seen += not row.is_blank
    return out


class RowStream:
    """The rows of one sheet (or CSV file) as they are read: only the rows before the header's end
    are buffered (:meth:`head`, :meth:`until`); iterating yields them, then reads on. One pass only.
    ``total`` is the sheet's height when the format says it (``.xlsx``/``.xls``), else ``None``."""

    def __init__(self, path: Path, rows: Iterator[Row], *, sheet: str = "", encoding: str = "",
                 total: int | None = None) -> None:  # fmt: skip
        self.path = path
        self.sheet = sheet
        self.encoding = encoding
        self.total = total
        self._rows = rows
        self._buffer: list[Row] = []
        self._started = False

    @property
    def name(self) -> str:
        return self.path.name

    def _fill(self, done) -> list[Row]:
        if self._started:
            raise RuntimeError("the rows have been read already")
        while not done(self._buffer):
            row = next(self._rows, None)
            if row is None:
                break
            self._buffer.append(row)
        return self._buffer

    def head(self, scan: int) -> list[Row]:
        return _head(self._fill(lambda rows: sum(not r.is_blank for r in rows) >= scan), scan)

    def until(self, number: int) -> list[Row]:
        return [r for r in self._fill(lambda rows: bool(rows) and rows[-1].number >= number) if r.number <= number]

    def __iter__(self) -> Iterator[Row]:
        if self._started:
            raise RuntimeError("the rows have been read already")
        self._started = True
        buffered, self._buffer = self._buffer, []
        yield from buffered
        yield from self._rows


@dataclass(frozen=True)
class Header:
    """The header row found by :func:`find_header`: column name → index in ``Row.cells``."""

    row: Row
    columns: dict[str, int] = field(default_factory=dict)

    def value(self, row: Row, name: str) -> str:
        return row.get(self.columns.get(name))

    def has(self, name: str) -> bool:
        return name in self.columns


# --------------------------------------------------------------------------------------------
# cells


def clean_cell(value: object) -> str:
    """A cell as the user sees it: trimmed, control and invisible characters dropped, inner white space
    (also full-width) collapsed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return format_number(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return _SPACES.sub(" ", str(value).translate(DROPPED)).strip()


def format_number(value: float) -> str:
    """Excel keeps every number as a float; show whole numbers without ``.0`` (codes, phone numbers)."""
    if value != value or value in (float("inf"), float("-inf")):  # NaN / infinity
        return ""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return format(value, ".15g")  # Excel's 15 significant digits: 0.1 + 0.2 → "0.3"


def header_key(value: object) -> str:
    """A column name folded for comparison: width folded, spaces and ``*`` / ``:`` markers dropped."""
    text = _SPACES.sub("", clean_text(value))
    return text.strip("*:")


def _cells(raw: Iterable[Sequence[object]], first: int = 1) -> Iterator[Row]:
    """Each raw row as a :class:`Row` (cells cleaned, trailing empty cells dropped), as it is read."""
    for number, values in enumerate(raw, start=first):
        cells = [clean_cell(v) for v in values]
        while cells and not cells[-1]:
            cells.pop()
        yield Row(number, tuple(cells))


def _rows(raw: Iterable[Sequence[object]], first: int = 1) -> list[Row]:
    rows = list(_cells(raw, first))
    while rows and rows[-1].is_blank:
        rows.pop()
    return rows


# --------------------------------------------------------------------------------------------
# readers


def is_compressed(path: str | Path) -> bool:
    return Path(path).suffix.lower() in _DECOMPRESSORS


def content_suffix(path: str | Path) -> str:
    """The suffix that says what a file holds: ``.xls`` for ``list.xls`` and for ``list.xls.xz``."""
    path = Path(path)
    return (path.with_suffix("") if is_compressed(path) else path).suffix.lower()


def open_file(path: str | Path, mode: str = "rb", **kwargs):
    """``open()`` that decompresses ``.gz`` and ``.xz`` files transparently (text modes take ``encoding`` …)."""
    path = Path(path)
    opener = _DECOMPRESSORS.get(path.suffix.lower())
    if opener is None:
        return open(path, mode, **kwargs)
    return opener(path, mode + ("t" if "b" not in mode and "t" not in mode else ""), **kwargs)


def _read_bytes(path: Path, size: int = -1) -> bytes:
    try:
        with open_file(path) as fh:
            return fh.read(size)
    except (OSError, EOFError, lzma.LZMAError) as exc:
        problem = "压缩文件已损坏" if is_compressed(path) else "文件无法打开"
        raise ApplicationError(f"无法读取 {path.name}：{problem}（{exc}）", field="file") from exc


def open_rows(path: str | Path) -> RowStream:
    """The rows of the first sheet of an ``.xls``/``.xlsx`` file or of a CSV file (UTF-8, UTF-8 with BOM,
    GBK/GB18030), read as they are needed: memory does not grow with the file (an ``.xlsx`` through
    calamine's row iterator, else openpyxl's read-only mode; a CSV a line at a time, its encoding
    decided on a sample). An ``.xls`` (at most 65,536 rows) is read whole by xlrd.

    Raises :class:`ApplicationError` with a Chinese message when the file is missing, empty, of an
    unknown type or unreadable (a CSV whose later lines are in another encoding: when they are read).
    """
    path = Path(path)
    suffix = content_suffix(path)
    if suffix not in SUPPORTED:
        shown = suffix or "（无扩展名）"
        raise ApplicationError(f"无法识别的文件格式：{shown}（支持 {_SUPPORTED_TEXT}）", field="file")
    if not path.is_file():
        raise ApplicationError(f"文件不存在：{path}", field="file")
    head = _read_bytes(path, 8)
    if not head:
        raise ApplicationError(f"文件为空：{path.name}", field="file")

    # Government systems often give a file the wrong extension: trust the content.
    if head.startswith(_OLE2_MAGIC):
        table = _read_xls(path)
        return RowStream(path, iter(table.rows), sheet=table.sheet, total=len(table.rows))
    if head.startswith(_ZIP_MAGIC):
        return _xlsx_rows(path)
    if suffix == ".csv":
        return _csv_rows(path)
    if head.lstrip().startswith(b"<"):
        raise ApplicationError(
            f"{path.name} 实为网页（HTML）格式，不是真正的 Excel 文件；请用 Excel 打开后另存为 .xlsx 再导入",
            field="file",
        )
    raise ApplicationError(f"无法读取 {path.name}：文件已损坏或不是 Excel 文件", field="file")


def read_rows(path: str | Path) -> TableData:
    """Every row of :func:`open_rows` in memory (small files: lists, the shipped data); trailing blank
    rows dropped. Raises :class:`ApplicationError` also when no row holds anything."""
    stream = open_rows(path)
    rows = list(stream)
    while rows and rows[-1].is_blank:
        rows.pop()
    if not rows:
        raise ApplicationError(f"文件为空：{stream.name} 中没有任何数据", field="file")
    return TableData(path=stream.path, rows=rows, sheet=stream.sheet, encoding=stream.encoding)


def _read_xls(path: Path) -> TableData:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=_read_bytes(path), on_demand=True)
    except Exception as exc:  # xlrd raises many types for damaged files
        raise ApplicationError(f"无法读取 {path.name}：文件已损坏或不是 .xls 文件（{exc}）", field="file") from exc
    try:
        if book.nsheets == 0:
            raise ApplicationError(f"文件为空：{path.name} 中没有工作表", field="file")
        sheet = book.sheet_by_index(0)

        def values(index: int) -> list[object]:
            out: list[object] = []
            for cell in sheet.row(index):
                if cell.ctype == xlrd.XL_CELL_DATE:
                    try:
                        out.append(xlrd.xldate_as_datetime(cell.value, book.datemode))
                    except Exception:  # an out-of-range date: keep the serial number
                        out.append(cell.value)
                elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                    out.append(bool(cell.value))
                elif cell.ctype == xlrd.XL_CELL_ERROR:
                    out.append(xlrd.error_text_from_code.get(cell.value, "#ERR"))
                else:
                    out.append(cell.value)
            return out

        rows = _rows(values(i) for i in range(sheet.nrows))
        return TableData(path=path, rows=rows, sheet=sheet.name)
    finally:
        book.release_resources()


def _xlsx_rows(path: Path) -> RowStream:
    """The first sheet through calamine's row iterator (a Rust reader, ten times openpyxl's speed on a
    100,000-row ledger; it keeps the sheet's cells in its own compact form, Python sees one row at a
    time); openpyxl's read-only mode reads what calamine refuses."""
    from python_calamine import CalamineWorkbook

    try:
        if is_compressed(path):
            book = CalamineWorkbook.from_filelike(io.BytesIO(_read_bytes(path)))
        else:
            book = CalamineWorkbook.from_path(str(path))
        if not book.sheet_names:
            raise ApplicationError(f"文件为空：{path.name} 中没有工作表", field="file")
        sheet = book.get_sheet_by_index(0)
        raw = sheet.iter_rows()
    except ApplicationError:
        raise
    except Exception:  # calamine refuses some files openpyxl can read (and reports damage less clearly)
        return _xlsx_rows_openpyxl(path)
    # calamine leaves out the empty columns left of the used area (not the rows above it)
    pad = [""] * (sheet.start[1] if sheet.start else 0)
    total = sheet.end[0] + 1 if sheet.end else 0
    return RowStream(path, _cells(pad + row for row in raw), sheet=sheet.name, total=total)


def _xlsx_rows_openpyxl(path: Path) -> RowStream:
    import openpyxl

    # A file object, not the path: openpyxl refuses names not ending in .xlsx, and a ".xls" may be an .xlsx.
    fh = io.BytesIO(_read_bytes(path)) if is_compressed(path) else open(path, "rb")  # noqa: SIM115 - closed below
    try:
        book = openpyxl.load_workbook(fh, read_only=True, data_only=True)
    except Exception as exc:  # zipfile / XML errors for damaged files
        fh.close()
        raise ApplicationError(f"无法读取 {path.name}：文件已损坏或不是 .xlsx 文件（{exc}）", field="file") from exc
    if not book.worksheets:
        book.close()
        fh.close()
        raise ApplicationError(f"文件为空：{path.name} 中没有工作表", field="file")
    sheet = book.worksheets[0]
    # Some generators write a wrong <dimension>; read every row that is really there.
    sheet.reset_dimensions()

    def rows() -> Iterator[Row]:
        try:
            yield from _cells(sheet.iter_rows(values_only=True))
        finally:
            book.close()
            fh.close()

    return RowStream(path, rows(), sheet=sheet.title)


_SAMPLE = 1 << 16  # bytes of a CSV file its encoding is decided on
_BOM_UTF8 = b"\xef\xbb\xbf"
_BOM_UTF16 = (b"\xff\xfe", b"\xfe\xff")


def decode_text(data: bytes, name: str = "") -> tuple[str, str]:
    """Decode a text file's bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (⊃ GBK),
    else what charset-normalizer finds most likely. Returns ``(text, encoding)``."""
    encoding = text_encoding(data, name)
    return data.decode(encoding, errors="replace"), encoding


def text_encoding(sample: bytes, name: str = "", *, complete: bool = True) -> str:
    """The encoding of a text whose bytes ``sample`` shows (a whole file, or with ``complete=False``
    a part of it that may end inside a character): a BOM's, else UTF-8, else GB18030 (⊃ GBK), else
    what charset-normalizer finds most likely."""
    if sample.startswith(_BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith(_BOM_UTF16):
        return "utf-16"
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(sample, final=complete)
            return encoding
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    if best is None:
        raise ApplicationError(f"无法识别 {name} 的文字编码，请另存为 UTF-8 编码的 CSV 后再导入", field="file")
    return best.encoding


def _csv_sample(path: Path) -> tuple[bytes, bytes, bool]:
    """The file's first bytes, and the part its encoding is decided on: the first ``_SAMPLE`` bytes,
    or the first such part holding a byte that is not ASCII (from a line's start); and whether the
    sample is the whole file."""
    try:
        with open_file(path) as fh:
            head = sample = fh.read(_SAMPLE)
            complete = len(head) < _SAMPLE
            while sample.isascii() and not complete:
                sample = fh.read(_SAMPLE)
                complete = len(sample) < _SAMPLE
                if not sample.isascii():
                    sample = sample[sample.find(b"\n") + 1 :] or sample
    except (OSError, EOFError, lzma.LZMAError) as exc:
        problem = "压缩文件已损坏" if is_compressed(path) else "文件无法打开"
        raise ApplicationError(f"无法读取 {path.name}：{problem}（{exc}）", field="file") from exc
    return head, sample, complete and sample is head  # else the sample may end inside a character


def _csv_rows(path: Path) -> RowStream:
    head, sample, whole = _csv_sample(path)
    bom = head.startswith((_BOM_UTF8, *_BOM_UTF16))
    encoding = text_encoding(head if bom else sample, path.name, complete=whole)
    text = head.decode(encoding, errors="replace")
    if not text.strip():
        raise ApplicationError(f"文件为空：{path.name}", field="file")
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(",\t;", key=first_line.count) if first_line else ","
    errors = "replace" if encoding == "utf-8-sig" else "strict"

    def rows() -> Iterator[Row]:
        reader = None
        try:
            with open_file(path, "r", encoding=encoding, errors=errors, newline="") as fh:
                reader = csv.reader(fh, delimiter=delimiter)
                yield from _cells(reader)
        except UnicodeDecodeError as exc:
            where = reader.line_num + 1 if reader is not None else 1
            raise ApplicationError(
                f"无法读取 {path.name}：第{where}行附近的文字不是文件开头的编码（{encoding}），"
                "请另存为 UTF-8 编码的 CSV 后再导入",
                field="file",
            ) from exc
        except csv.Error as exc:
            raise ApplicationError(f"无法读取 {path.name}：CSV 格式错误（{exc}）", field="file") from exc

    return RowStream(path, rows(), encoding=encoding)


# --------------------------------------------------------------------------------------------
# header


def find_header(
    table: TableData | Sequence[Row],
    required: Sequence[str],
    optional: Sequence[str] = (),
    *,
    scan: int = 30,
) -> Header:
    """The first row (among the first ``scan`` non-blank rows) that contains every ``required`` column.

    Names match ignoring width, spaces and ``*`` / ``:`` markers. When no row has them all, the
    error names the columns missing from the closest row.
    """
    rows = table.rows if isinstance(table, TableData) else list(table)
    wanted = {header_key(name): name for name in (*required, *optional)}
    best: tuple[int, Row | None, dict[str, int]] = (0, None, {})
    seen = 0
    for row in rows:
        if row.is_blank:
            continue
        seen += 1
        if seen > scan:
            break
        columns: dict[str, int] = {}
        for index, cell in enumerate(row.cells):
            name = wanted.get(header_key(cell))
            if name is not None and name not in columns:
                columns[name] = index
        found = sum(1 for name in required if name in columns)
        if found == len(required):
            return Header(row=row, columns=columns)
        if found > best[0]:
            best = (found, row, columns)

    _, closest, columns = best
    missing = "、".join(name for name in required if name not in columns)
    if closest is None:
        raise ApplicationError(
            f"未找到表头行：表头缺少列 {missing}（应包含 {'、'.join(required)}）",
            field="header",
        )
    raise ApplicationError(f"表头（第{closest.number}行）缺少列：{missing}", field="header")


def rows_after(table: TableData, header: Header) -> Iterator[Row]:
    """The rows below the header row."""
    return (row for row in table.rows if row.number > header.row.number)


# --------------------------------------------------------------------------------------------
# results shared by every importer


@dataclass
class ImportResult:
    """What an import did. ``skipped`` counts bad rows left out (``skip_bad``); ``errors`` says why."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def summary(self, unit: str = "条") -> str:
        return (
            f"新增 {self.created} {unit}，更新 {self.updated} {unit}，"
            f"未变 {self.unchanged} {unit}，跳过 {self.skipped} 行"
        )


class ImportRejected(ApplicationError):
    """Some rows are bad and nothing was written; ``errors`` holds one ``第N行: 字段: 原因`` line each."""

    def __init__(self, errors: Sequence[str], *, name: str = "", count: int | None = None):
        """``count``: how many rows are bad when ``errors`` lists only the first of them."""
        self.errors = list(errors)
        where = f"{name} 中" if name else ""
        super().__init__(
            f"{where}有 {count or len(self.errors)} 处错误，未写入任何数据", field="file", extra={"errors": self.errors}
        )

"""The one .xlsx writer of the platform: every export (lists, needs, the scorecard, the ledger workbook).

A workbook is a list of :class:`Sheet`. Each sheet may carry a title row (batch, scope, period)
above its header; the header (with units, e.g. "合同金额(万元)") is bold, frozen and repeated on
every printed page; pages are A4 landscape, fitted to the page width, numbered in the footer.
Values are written as what they are: dates as dates, amounts (``Decimal``, 万元) and counts as
numbers, booleans as 是/否, everything else as text.

**Text is always a text cell.** A value such as ``=HYPERLINK("http://x","y")`` (a public intake
form or an import can bring one) is stored with data type string, never as a formula, and
without a visible ``'`` prefix: the reader sees exactly what was typed. Characters that XML
cannot hold (NUL and other control characters) are dropped, so no stored text can break an export.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from techmayor.core import clock

# openpyxl is imported where a workbook is written, not with this module: the apps import this module
# when Django starts, and openpyxl (with numpy) would add a tenth of a second to every command.

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 100_000  # a sheet this long is a sign of a missing filter; Excel handles it still
MAX_TEXT = 32_767  # Excel's limit on the characters of one cell


@cache
def _styles():
    """The title's font, the header's font and fill, the total row's border."""
    from openpyxl.styles import Border, Font, PatternFill, Side

    return (
        Font(bold=True, size=14),
        Font(bold=True),
        PatternFill("solid", fgColor="DDEBF7"),
        Border(top=Side(style="thin")),
    )


@cache
def _cell_parts():
    """openpyxl's write-only cell and its pattern of the characters XML cannot hold, imported once (they
    are used for every cell: an import statement there would cost a look-up per cell)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return WriteOnlyCell, ILLEGAL_CHARACTERS_RE


DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


@dataclass
class Sheet:
    """One sheet: ``rows`` (any iterable, consumed once) under ``headers``.

    ``title``: a first row naming batch, scope and period (none for plain list exports, whose
    header stays in row 1). ``totals``: indexes of the columns summed in a 合计 row at the end.
    """

    name: str
    headers: Sequence[str]
    rows: Iterable[Sequence]
    widths: Sequence[int] = ()
    title: str = ""
    totals: Sequence[int] = ()
    written: int = 0  # how many rows were written (set by the writer)


def cell_value(value):
    """What a Python value is written as (text cells are forced to text in :func:`_cell`)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, int | float | dt.date):
        return value
    # Line ends as LF: a bare CR reads back differently with and without lxml installed.
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return _cell_parts()[1].sub("", text)[:MAX_TEXT]


def _cell(ws, value, *, font=None, fill=None, border=None):
    cell = _cell_parts()[0](ws, value=cell_value(value))
    if isinstance(cell.value, str):
        cell.data_type = "s"  # never a formula, whatever the text begins with
    elif isinstance(cell.value, dt.datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(cell.value, dt.date):
        cell.number_format = DATE_FORMAT
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if border is not None:
        cell.border = border
    return cell


def _setup(ws, sheet: Sheet) -> int:
    """Widths, frozen header, print settings; returns the header's row number."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

    header_row = 2 if sheet.title else 1
    for i, header in enumerate(sheet.headers, start=1):
        width = sheet.widths[i - 1] if i - 1 < len(sheet.widths) else max(10, len(str(header)) * 2 + 2)
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = f"A{header_row + 1}"
    ws.print_title_rows = f"1:{header_row}"
    ws.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    if sheet.title and len(sheet.headers) > 1:
        ws.merged_cells.add(f"A1:{get_column_letter(len(sheet.headers))}1")
    return header_row


def _write_sheet(ws, sheet: Sheet) -> None:
    from openpyxl.styles import Alignment

    title_font, header_font, header_fill, total_border = _styles()
    _setup(ws, sheet)
    if sheet.title:
        title = _cell(ws, sheet.title, font=title_font)
        title.alignment = Alignment(horizontal="center", vertical="center")
        ws.append([title])
    ws.append([_cell(ws, h, font=header_font, fill=header_fill) for h in sheet.headers])
    sums: dict[int, int | float] = dict.fromkeys(sheet.totals, 0)
    for n, row in enumerate(sheet.rows):
        if n >= MAX_ROWS:
            break
        cells = [_cell(ws, v) for v in row]
        for i in sums:
            if i < len(cells) and isinstance(cells[i].value, int | float):
                sums[i] += cells[i].value
        ws.append(cells)
        sheet.written += 1
    if sums:
        total = [None] * len(sheet.headers)
        total[0] = "合计"
        for i, amount in sums.items():
            total[i] = round(amount, 4) if isinstance(amount, float) else amount
        ws.append([_cell(ws, v, font=header_font, border=total_border) for v in total])


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for sheet in sheets:
        _write_sheet(book.create_sheet(str(sheet.name)[:31]), sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def download(filename: str, sheets: Sequence[Sheet], *, request) -> HttpResponse:
    """``sheets`` as the .xlsx attachment ``<filename>-<date>.xlsx``, recorded in the audit log (who,
    filters, scope, rows): exports carry contacts' phone numbers away."""
    from .audit import record_read
    from .models import AuditAction

    content = workbook_bytes(sheets)
    name = f"{filename!s}-{clock.today():%Y%m%d}.xlsx"
    record_read(request=request, action=AuditAction.EXPORT, object_repr=name, rows=sum(s.written for s in sheets))
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    return response


def xlsx_response(filename: str, title: str, headers, rows, widths=(), *, request) -> HttpResponse:
    """A download of a list's rows as ``<filename>-<date>.xlsx`` (audited, see :func:`download`)."""
    return download(filename, [Sheet(name=title, headers=headers, rows=rows, widths=widths)], request=request)

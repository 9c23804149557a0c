"""Excel (.xlsx) exports of list pages: Chinese headers, dates as dates, amounts and counts as numbers."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 100_000  # a sheet this long is a sign of a missing filter; Excel handles it still


def _cell(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, int | float | dt.date):
        return value
    return str(value)


def workbook(title: str, headers: Sequence[str], rows: Iterable[Sequence], widths: Sequence[int] = ()) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = str(title)[:31]
    ws.append([str(h) for h in headers])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(vertical="center")
    ws.freeze_panes = "A2"
    for n, row in enumerate(rows, start=2):
        if n > MAX_ROWS + 1:
            break
        ws.append([_cell(v) for v in row])
        for cell in ws[n]:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    for i, header in enumerate(headers, start=1):
        width = widths[i - 1] if i - 1 < len(widths) else max(10, len(header) * 2 + 2)
        ws.column_dimensions[get_column_letter(i)].width = width
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def xlsx_response(filename: str, title: str, headers, rows, widths=()) -> HttpResponse:
    """A download of the rows as ``<filename>-<date>.xlsx``."""
    data = workbook(title, headers, rows, widths)
    response = HttpResponse(data, content_type=XLSX)
    name = f"{filename!s}-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    return response

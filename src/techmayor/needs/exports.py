"""The Excel export of a (scoped, filtered) need list."""

from __future__ import annotations

import io

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from techmayor.roster.models import Member

from .models import Need

COLUMNS = [
    ("编号", 8),
    ("受理编号", 16),
    ("需求标题", 36),
    ("企业", 30),
    ("支团", 10),
    ("采集日期", 12),
    ("类型", 10),
    ("紧急程度", 10),
    ("卡脖子", 8),
    ("状态", 10),
    ("负责人", 10),
    ("采集团员", 16),
    ("最近进展", 18),
    ("超30天未更新", 12),
    ("需求描述", 60),
]
MAX_ROWS = 20000

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text that a spreadsheet would run as a formula (a public form can bring "=HYPERLINK(…)") is quoted."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def needs_workbook(needs: QuerySet[Need]) -> bytes:
    rows = needs.select_related("enterprise", "group", "owner", "lead").prefetch_related(
        Prefetch("members", queryset=Member.objects.only("id", "name"))
    )[:MAX_ROWS]
    book = Workbook(write_only=True)
    sheet = book.create_sheet("企业需求")
    for index, (_, width) in enumerate(COLUMNS):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    sheet.freeze_panes = "A2"
    header = []
    for title, _ in COLUMNS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for need in rows:
        last = timezone.localtime(need.last_progress_at).strftime("%Y-%m-%d") if need.last_progress_at else ""
        sheet.append(
            [
                need.pk,
                need.lead.reference if need.lead_id else "",
                safe_cell(need.title),
                safe_cell(need.enterprise.name),
                need.group.name,
                need.date,
                need.get_kind_display(),
                need.get_urgency_display(),
                "是" if need.is_bottleneck else "否",
                need.get_state_display(),
                need.owner.name if need.owner_id else "",
                "、".join(m.name for m in need.members.all()),
                last,
                "是" if need.is_stale else "",
                safe_cell(need.description),
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

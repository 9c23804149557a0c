"""The Excel export of a (scoped, filtered) need list, through the platform's one xlsx writer."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from techmayor.core.exports import Sheet, workbook_bytes
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
    ("最近进展", 12),
    ("超30天未更新", 12),
    ("需求描述", 60),
]
MAX_ROWS = 20000


def _row(need: Need) -> list:
    return [
        need.pk,
        need.lead.reference if need.lead_id else "",
        need.title,
        need.enterprise.name,
        need.group.name,
        need.date,
        need.get_kind_display(),
        need.get_urgency_display(),
        need.is_bottleneck,
        need.get_state_display(),
        need.owner.name if need.owner_id else "",
        "、".join(m.name for m in need.members.all()),
        timezone.localtime(need.last_progress_at).date() if need.last_progress_at else None,
        "是" if need.is_stale else "",
        need.description,
    ]


def needs_workbook(needs: QuerySet[Need]) -> bytes:
    rows = needs.select_related("enterprise", "group", "owner", "lead").prefetch_related(
        Prefetch("members", queryset=Member.objects.only("id", "name"))
    )[:MAX_ROWS]
    sheet = Sheet(
        name="企业需求",
        headers=[title for title, _ in COLUMNS],
        rows=(_row(need) for need in rows),
        widths=[width for _, width in COLUMNS],
    )
    return workbook_bytes([sheet])

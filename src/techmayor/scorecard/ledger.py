"""The monthly ledger workbook (月度台账) of a batch, a city's groups or one group.

Sheets: 月度概览 (every scorecard figure for the month and cumulative to its end, the totals and
each group), then the month's records: 走访记录, 活动与来访, 需求进展 (every need open at the
month's end), 合作与到账, 平台项目人才. Figures come from ``metrics.value`` (the scorecard's one
definition); the cumulative column is the scorecard with ``end`` = the month's last day.

The figures are the groups' (what the scorecard page shows the reader); the record sheets hold the
records the reader may read (``selectors.readable``), as a drill-down does. The command line reads
as the whole installation (``user=None``).
"""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import QuerySet
from django.utils.translation import gettext

from techmayor.core.errors import ApplicationError
from techmayor.core.exports import Sheet, workbook_bytes
from techmayor.needs.choices import NeedState
from techmayor.needs.selectors import needs_open_on
from techmayor.roster.models import Batch, Group

from .metrics import SCORECARD_METRICS, Scope, value
from .selectors import readable


def parse_month(text: str | None) -> dt.date:
    """ "2022-04" → 2022-04-01."""
    try:
        return dt.datetime.strptime((text or "").strip(), "%Y-%m").date()
    except ValueError as exc:
        raise ApplicationError(
            gettext("月份格式应为 YYYY-MM（如 2022-04），收到：%(text)s") % {"text": text or gettext("空")},
            field="month",
        ) from exc


@dataclass(frozen=True)
class Ledger:
    """Whose ledger, for which month, read by whom (``None``: everything, as the command line)."""

    batch: Batch
    groups: list[Group]
    month: dt.date  # its first day
    whole_batch: bool = True  # the city's scope: a totals column before the groups'
    user: Any = None

    @property
    def month_end(self) -> dt.date:
        return self.month.replace(day=monthrange(self.month.year, self.month.month)[1])

    @property
    def scope_label(self) -> str:
        return "全市各支团" if self.whole_batch else "、".join(g.name for g in self.groups)

    def title(self, sheet: str) -> str:
        return (
            f"{self.batch}科技镇长团 月度台账 · {sheet} · {self.scope_label} · "
            f"{self.month.year}年{self.month.month}月（{self.month:%Y-%m-%d} 至 {self.month_end:%Y-%m-%d}）"
        )


def ledger_for(*, batch: Batch, month: dt.date, groups=None, user=None) -> Ledger:
    """The ledger of ``groups`` (default: every group of the batch) for ``month``, which must overlap
    the batch's term. Fewer than all the batch's groups: no totals column."""
    end = month.replace(day=monthrange(month.year, month.month)[1])
    if end < batch.start_date or month > batch.end_date:
        raise ApplicationError(
            gettext("%(month)s 不在%(batch)s的期限内（%(start)s 至 %(end)s）")
            % {"month": f"{month:%Y-%m}", "batch": batch, "start": batch.start_date, "end": batch.end_date},
            field="month",
        )
    every = list(Group.objects.filter(batch=batch).order_by("id"))
    groups = every if groups is None else sorted(groups, key=lambda g: g.pk)
    return Ledger(batch=batch, groups=groups, month=month, whole_batch=len(groups) == len(every), user=user)


def group_lookup(*, batch: Batch, name: str) -> Group:
    group = Group.objects.filter(batch=batch, name=name).first()
    if group is None:
        names = Group.objects.filter(batch=batch).order_by("id").values_list("name", flat=True)
        known = gettext("、").join(names) or gettext("无")
        raise ApplicationError(
            gettext("%(batch)s没有“%(name)s”（本批支团：%(known)s）") % {"batch": batch, "name": name, "known": known},
            field="group",
        )
    return group


# --- 月度概览 ------------------------------------------------------------------------------------


def overview_sheet(ledger: Ledger) -> Sheet:
    columns: list[tuple[str, Group | None]] = [("合计", None)] if ledger.whole_batch else []
    columns += [(g.name, g) for g in ledger.groups]
    headers = ["指标", "单位"]
    for label, _group in columns:
        headers += [f"{label}·本月", f"{label}·累计至{ledger.month_end.month}月{ledger.month_end.day}日"]
    headers.append("统计口径")
    rows = []
    for metric in SCORECARD_METRICS:
        row: list = [metric.name, metric.unit]
        for _label, group in columns:
            month = Scope(batch=ledger.batch, group=group, start=ledger.month, end=ledger.month_end)
            to_date = Scope(batch=ledger.batch, group=group, end=ledger.month_end)
            row += [value(metric, month), value(metric, to_date)]
        rows.append([*row, metric.rule])
    widths = [18, 6, *([12] * (len(headers) - 3)), 50]
    return Sheet(name="月度概览", headers=headers, rows=rows, widths=widths, title=ledger.title("月度概览"))


# --- the month's records -------------------------------------------------------------------------


def month_records(ledger: Ledger, label: str, *, path: str = "") -> QuerySet:
    """The month's records of ``label`` ("ledger.Visit") in the ledger's groups, readable by its reader."""
    model = apps.get_model(label)
    qs = model.objects.filter(
        **{f"{path}batch": ledger.batch, f"{path}group__in": ledger.groups},
        date__gte=ledger.month,
        date__lte=ledger.month_end,
    )
    if ledger.user is not None:
        qs = qs.filter(pk__in=readable(model, ledger.user).values("pk"))
    return qs.order_by("date", "pk")


def _names(objs) -> str:
    return "、".join(o.name for o in objs)


def _name(obj) -> str:
    return obj.name if obj is not None else ""


def _sorted(rows: list[list]) -> list[list]:
    return sorted(rows, key=lambda r: r[0])  # by date; stable, so kinds keep their order within a day


def visits_sheet(ledger: Ledger) -> Sheet:
    visits = month_records(ledger, "ledger.Visit").select_related("group", "enterprise__region")
    rows = [
        [v.date, v.enterprise.name, v.enterprise.credit_code or "", _name(v.enterprise.region), v.group.name,
         _names(v.members.all()), v.note]
        for v in visits.prefetch_related("members")
    ]  # fmt: skip
    headers = ["日期", "企业", "统一社会信用代码", "所在地", "支团", "团员", "走访情况"]
    return Sheet("走访记录", headers, rows, [12, 32, 22, 14, 10, 24, 50], ledger.title("走访记录"))


def events_sheet(ledger: Ledger) -> Sheet:
    events = month_records(ledger, "ledger.Event").select_related("group")
    visitors = month_records(ledger, "ledger.VisitorRecord").select_related("group", "university")
    rows = [
        [e.date, e.get_kind_display(), e.title, e.location, _names(e.enterprises.all()),
         _names(e.universities.all()), None, e.group.name, _names(e.members.all()), e.note]
        for e in events.prefetch_related("members", "enterprises", "universities")
    ]  # fmt: skip
    rows += [
        [v.date, v.get_kind_display(), v.visitor_name, v.organization or _name(v.university), "",
         _name(v.university), v.person_count, v.group.name, _names(v.members.all()), v.note]
        for v in visitors.prefetch_related("members")
    ]  # fmt: skip
    headers = [
        "日期",
        "类别",
        "活动名称/来访人",
        "地点/所在单位",
        "参与企业",
        "高校",
        "来访人次",
        "支团",
        "团员",
        "备注",
    ]
    widths = [12, 14, 30, 20, 30, 24, 10, 10, 24, 30]
    return Sheet("活动与来访", headers, _sorted(rows), widths, ledger.title("活动与来访"), totals=[6])


def needs_sheet(ledger: Ledger) -> Sheet:
    needs = apps.get_model("needs.Need").objects.filter(batch=ledger.batch, group__in=ledger.groups)
    if ledger.user is not None:
        needs = needs.filter(pk__in=readable(needs.model, ledger.user).values("pk"))
    owned = (NeedState.CLAIMED, NeedState.COMPLETION_SUBMITTED)  # the states in which a need has an owner
    rows = [
        [n.need.pk, n.need.lead.reference if n.need.lead_id else "", n.need.title, n.need.enterprise.name,
         n.need.group.name, n.need.date, n.need.get_kind_display(), n.state_label,
         _name(n.need.owner) if n.state in owned else "", n.last_update, n.days_since_update, n.is_stale]
        for n in needs_open_on(needs, ledger.month_end)
    ]  # fmt: skip
    headers = ["编号", "受理编号", "需求标题", "企业", "支团", "采集日期", "类型", "月末状态", "负责人",
               "最近更新", "距最近更新(天)", "超30天未更新"]  # fmt: skip
    widths = [8, 16, 36, 30, 10, 12, 10, 10, 10, 12, 12, 12]
    return Sheet("需求进展", headers, rows, widths, ledger.title(f"需求进展（截至{ledger.month_end:%Y-%m-%d}未办结）"))


def cooperation_sheet(ledger: Ledger) -> Sheet:
    intents = month_records(ledger, "cooperation.Intent").select_related("group", "enterprise", "university")
    agreements = month_records(ledger, "cooperation.Agreement").select_related(
        "group", "enterprise", "region", "university"
    )
    receipts = month_records(ledger, "cooperation.AgreementReceipt", path="agreement__").select_related(
        "agreement__group", "agreement__enterprise", "agreement__region", "agreement__university"
    )
    rows = [
        [i.date, "合作意向", i.title, i.enterprise.name, _name(i.university), None, None, i.group.name,
         _names(i.members.all())]
        for i in intents.prefetch_related("members")
    ]  # fmt: skip
    rows += [
        [a.date, a.get_kind_display(), a.title, _name(a.enterprise) or _name(a.region), a.university.name,
         a.contract_amount_wan, None, a.group.name, _names(a.members.all())]
        for a in agreements.prefetch_related("members")
    ]  # fmt: skip
    rows += [
        [r.date, "到账", r.agreement.title, _name(r.agreement.enterprise) or _name(r.agreement.region),
         r.agreement.university.name, None, r.amount_wan, r.agreement.group.name, ""]
        for r in receipts
    ]  # fmt: skip
    headers = ["日期", "类别", "意向/协议", "企业/合作地方", "高校", "合同金额(万元)", "到账金额(万元)", "支团", "团员"]
    widths = [12, 12, 36, 30, 22, 14, 14, 10, 24]
    return Sheet("合作与到账", headers, _sorted(rows), widths, ledger.title("合作与到账"), totals=[5, 6])


def platforms_sheet(ledger: Ledger) -> Sheet:
    platforms = month_records(ledger, "ledger.PlatformIntroduction").select_related("group", "platform__university")
    projects = month_records(ledger, "ledger.ProjectBrokered").select_related("group", "enterprise", "university")
    talents = month_records(ledger, "ledger.TalentIntroduction").select_related("group", "enterprise", "university")
    rows = [
        [p.date, "科创平台", p.platform.name, "", _name(p.platform.university), None, None, None, p.group.name,
         _names(p.members.all())]
        for p in platforms.prefetch_related("members")
    ]  # fmt: skip
    rows += [
        [p.date, "科技项目", p.title, _name(p.enterprise), _name(p.university), None, p.amount_wan,
         p.is_provincial_major, p.group.name, _names(p.members.all())]
        for p in projects.prefetch_related("members")
    ]  # fmt: skip
    rows += [
        [t.date, "引才", t.talent_name, _name(t.enterprise), _name(t.university), t.person_count, None, None,
         t.group.name, _names(t.members.all())]
        for t in talents.prefetch_related("members")
    ]  # fmt: skip
    headers = ["日期", "类别", "平台/项目/人才", "企业", "高校", "引才(人)", "投资额(万元)", "列入省重大项目",
               "支团", "团员"]  # fmt: skip
    widths = [12, 10, 36, 30, 22, 10, 14, 14, 10, 24]
    return Sheet("平台项目人才", headers, _sorted(rows), widths, ledger.title("平台项目人才"), totals=[5, 6])


SHEETS = (overview_sheet, visits_sheet, events_sheet, needs_sheet, cooperation_sheet, platforms_sheet)
# Sheets the apps above the scorecard add after these (``targets``: 目标完成情况), registered when ready.
EXTRA_SHEETS: list = []


def ledger_sheets(ledger: Ledger) -> list[Sheet]:
    return [build(ledger) for build in (*SHEETS, *EXTRA_SHEETS)]


def ledger_workbook(ledger: Ledger) -> bytes:
    """The ledger as an .xlsx file."""
    return workbook_bytes(ledger_sheets(ledger))


def ledger_filename(ledger: Ledger) -> str:
    return f"{ledger.batch}月度台账-{ledger.scope_label}-{ledger.month:%Y%m}"

"""Targets in the reports: the monthly ledger's 目标完成情况 sheet and the briefing's sentence
"对照年度目标，走访企业完成年度目标的92%，合作协议提前完成年度目标。" (rounded as decision 0006 rounds:
the percentage is cut down, "提前完成" only when the figure has reached the target before the term's end)."""

from __future__ import annotations

from techmayor.core.exports import Sheet
from techmayor.roster.selectors import reference_day
from techmayor.scorecard import briefing, ledger
from techmayor.scorecard.metrics import METRICS, SCORECARD_METRICS
from techmayor.scorecard.rounding import target_share

from .models import Target
from .selectors import progress_list

OUTLOOK = {"met": "已完成", "likely": "预计可完成", "possible": "有望完成", "unlikely": "预计难以完成"}


def _number(p, number):
    return None if number is None else round(float(number), 2)


def targets_sheet(book: ledger.Ledger) -> Sheet:
    """目标完成情况: every target of the ledger's groups (and the whole batch's, in the city's ledger), done
    to the month's end, the share, the pace, the flag and the forecast of the batch's end."""
    targets = Target.objects.filter(batch=book.batch, group__in=book.groups)
    if book.whole_batch:
        targets = targets | Target.objects.filter(batch=book.batch, group__isnull=True)
    order = {m.code: i for i, m in enumerate(SCORECARD_METRICS)}
    targets = sorted(
        targets.select_related("batch__city", "group", "member"),
        key=lambda t: (t.group_id or 0, t.member_id or 0, order.get(t.metric, 99)),
    )
    as_of = min(book.month_end, reference_day(book.batch))
    rows = []
    for p in progress_list(targets, batch=book.batch, as_of=as_of):
        t, metric, f = p.target, METRICS[p.target.metric], p.forecast
        scope = "全批次" if t.group_id is None else (f"{t.group.name}·{t.member}" if t.member_id else t.group.name)
        rows.append(
            [
                scope,
                metric.name,
                metric.unit,
                t.value,
                p.done,
                p.percent,
                p.expected_percent,
                "提前完成" if p.early else ("已完成" if p.met else ("进度滞后" if p.behind else "进度正常")),
                _number(p, f and f.point),
                _number(p, f and f.low),
                _number(p, f and f.high),
                OUTLOOK[p.outlook],
                t.reason,
            ]
        )
    headers = [
        "范围",
        "指标",
        "单位",
        "目标值",
        f"累计完成(至{as_of.month}月{as_of.day}日)",
        "完成比例(%)",
        "时序进度(%)",
        "进度状态",
        "预计期末",
        "预计下限",
        "预计上限",
        "预计能否完成",
        "调整原因",
    ]
    widths = [16, 18, 6, 10, 14, 10, 10, 10, 10, 10, 10, 12, 30]
    return Sheet("目标完成情况", headers, rows, widths, book.title("目标完成情况"))


def target_sentence(scope, values: dict) -> list[str]:
    """The briefing's sentence on the targets of the scope's batch or group (none: no target, or a member)."""
    if scope.member is not None:
        return []
    targets = Target.objects.filter(batch=scope.batch, group=scope.group, member__isnull=True)
    order = {m.code: i for i, m in enumerate(SCORECARD_METRICS)}
    targets = sorted(targets, key=lambda t: order.get(t.metric, 99))
    if not targets:
        return []
    end = scope.period[1]
    names = [METRICS[t.metric].name for t in targets]
    clauses = []
    for t, name in zip(targets, names, strict=True):
        metric = METRICS[t.metric]
        label = f"{name}（{metric.unit}）" if names.count(name) > 1 else name
        share = target_share(values.get(t.metric, 0), t.value, early=end < scope.batch.end_date)
        clauses.append(f"{label}{share}")
    return ["对照年度目标，" + "，".join(clauses) + "。"]


ledger.EXTRA_SHEETS.append(targets_sheet)
briefing.TARGET_SENTENCES.append(target_sentence)

"""The scorecard page and its drill-downs as sheets for the platform's xlsx writer."""

from __future__ import annotations

from collections.abc import Iterable

from techmayor.core.exports import Sheet

from .metrics import Metric, Scope
from .selectors import Period


def _period_text(batch, period: Period) -> str:
    start, end = Scope(batch=batch, start=period[0], end=period[1]).period
    return f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d}"


def scorecard_sheet(*, batch, groups, show_total: bool, rows: list[dict], period: Period, compare: Period | None):
    """The scorecard page's table: a column per scope (合计, each group); with a comparison, four:
    this period, the compared period, the change and the change in %."""
    labels = (["合计"] if show_total else []) + [g.name for g in groups]
    headers = ["指标", "单位"]
    for label in labels:
        headers += [f"{label}·本期", f"{label}·对比期", f"{label}·变化", f"{label}·变化率(%)"] if compare else [label]
    headers.append("统计口径")
    table = []
    for row in rows:
        cells: list = [row["metric"].name, row["metric"].unit]
        for cell in row["cells"]:
            cells += (
                [cell["number"], cell["compare"]["number"], cell["delta"], cell["percent"]]
                if compare
                else [cell["number"]]
            )
        table.append([*cells, row["metric"].rule])
    title = f"{batch}科技镇长团 创新成绩单 · {'、'.join(labels)} · {_period_text(batch, period)}"
    if compare:
        title += f"（对比期 {_period_text(batch, compare)}）"
    widths = [18, 6, *([12] * (len(headers) - 3)), 50]
    return Sheet(name="创新成绩单", headers=headers, rows=table, widths=widths, title=title)


def drill_sheet(*, metric: Metric, scope: Scope, columns, records: Iterable, total: int, shown: int) -> Sheet:
    """The records behind one figure that the reader may read (``columns``: ``core.registry.Column``)."""
    start, end = scope.period
    where = "·".join(str(x.name) for x in (scope.group, scope.member) if x is not None) or "全部支团"
    title = f"{scope.batch} · {metric.name}（{metric.unit}）· {where} · {start:%Y-%m-%d} 至 {end:%Y-%m-%d}"
    if shown < total:
        title += f" · 共{total}条，可查看其中{shown}条"
    return Sheet(
        name=metric.name,
        headers=[str(c.label) for c in columns],
        rows=([c.value(obj) for c in columns] for obj in records),
        widths=[c.width for c in columns],
        title=title,
    )

"""The import kind ``targets``: one row per group × metric (目标责任书 as a workbook), through
``services.target_set`` / ``target_revise``; only an administrator of the batch's city may import it.

Columns: 支团 (a group's name, or 全批次/合计 for the whole batch), 指标 (its name as the scorecard
writes it, ``走访企业（家次）``, or its code; a name two metrics share needs the 单位 column), 目标值,
and optionally 单位, 团员 (a member's own target), 调整原因 (kept as the revision's reason).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext, gettext_lazy

from techmayor.core.text import clean_text
from techmayor.imports import lookups as L
from techmayor.imports.engine import Field, ImportContext, ImportKind, RowError, register
from techmayor.scorecard.metrics import SCORECARD_METRICS

from .models import Target
from .services import can_set_targets, target_revise, target_set

WHOLE_BATCH = {"全批次", "合计", "全市", "总计", "全团", "批次", "全部"}
IMPORT_REASON = "按导入文件调整"


def _key(text: str) -> str:
    return re.sub(r"[\s（）()·:：]", "", clean_text(text))


def metric_lookup(name: str, unit: str = "") -> str:
    """A metric's code from how a workbook names it: its code, 名称（单位）, or a name with its unit."""
    name, unit = clean_text(name), _key(unit)
    if not name:
        raise RowError("指标", gettext("不能为空"))
    by_code = {m.code: m for m in SCORECARD_METRICS}
    if name in by_code:
        return name
    wanted = _key(name)
    exact = [m for m in SCORECARD_METRICS if _key(m.name + m.unit) == wanted]
    if exact:
        return exact[0].code
    named = [m for m in SCORECARD_METRICS if _key(m.name) == wanted]
    if unit:
        named = [m for m in named if _key(m.unit) == unit] or named
    if len(named) == 1:
        return named[0].code
    if len(named) > 1:
        units = "、".join(m.unit for m in named)
        raise RowError(
            "指标",
            gettext("「%(name)s」有多个指标（单位 %(units)s），请在单位列注明或写作 %(first)s（%(unit)s）")
            % {"name": name, "units": units, "first": named[0].name, "unit": named[0].unit},
        )
    raise RowError(
        "指标",
        gettext("「%(name)s」不是成绩单上的指标（如 走访企业（家次）、产学研专场活动、合作协议）") % {"name": name},
    )


def parse_value(text: str) -> Decimal:
    raw = clean_text(text).replace(",", "").replace("，", "").replace(" ", "")
    raw = re.sub(r"(万元|家次|人次|场次|家|个|项|条|篇|人|次|所|场)$", "", raw)
    if not raw:
        raise RowError("目标值", gettext("不能为空"))
    try:
        number = Decimal(raw)
    except InvalidOperation as exc:
        raise RowError("目标值", gettext("「%(text)s」不是数字") % {"text": text}) from exc
    if not number.is_finite() or number <= 0:
        raise RowError("目标值", gettext("须大于0：%(text)s") % {"text": text})
    if number >= Decimal("1e11"):
        raise RowError("目标值", gettext("「%(text)s」过大") % {"text": text})
    return number.quantize(Decimal("0.0001"))


class TargetImport(ImportKind):
    key = "targets"
    label = gettext_lazy("目标")
    unit = "项"
    fields = (
        Field("group", "支团", ("所属支团", "支团名称", "范围", "责任单位"), required=True),
        Field("metric", "指标", ("目标指标", "指标名称", "考核指标", "任务指标"), required=True),
        Field("value", "目标值", ("目标", "年度目标", "目标数", "任务数", "指标值"), required=True),
        Field("unit", "单位", ("计量单位",)),
        Field("member", "团员", ("责任人", "团员姓名")),
        Field("reason", "调整原因", ("原因", "说明", "备注")),
    )

    def allowed(self, ctx: ImportContext) -> bool:
        return can_set_targets(ctx.user, L.require_batch(ctx))

    def prepare(self, v: dict, ctx: ImportContext) -> dict:
        L.require_batch(ctx)
        raw_group = clean_text(v.get("group", "")).replace(" ", "")
        group = None if raw_group in WHOLE_BATCH else L.group(ctx, raw_group)
        member = None
        if clean_text(v.get("member", "")):
            if group is None:
                raise RowError("团员", gettext("团员目标须写明所在支团"))
            found = L.members(ctx, v["member"], group, label="团员", scoped=False)
            if len(found) != 1:
                raise RowError("团员", gettext("每行只能写一名团员"))
            member = found[0]
            if not member.tenures.filter(group=group).exists():
                raise RowError(
                    "团员", gettext("「%(member)s」不在%(group)s任职") % {"member": member, "group": group.name}
                )
        return {
            "metric": metric_lookup(v.get("metric", ""), v.get("unit", "")),
            "group": group,
            "member": member,
            "value": parse_value(v.get("value", "")),
            "reason": L.text(v, "reason", "调整原因", limit=200),
        }

    def natural_key(self, data: dict) -> tuple:
        return (data["metric"], getattr(data["group"], "pk", None), getattr(data["member"], "pk", None))

    def summary(self, data: dict) -> str:
        scope = data["group"].name if data["group"] else "全批次"
        who = f" {data['member']}" if data["member"] else ""
        return f"{scope}{who} {data['metric']} {data['value'].normalize():f}"

    def existing(self, ctx, keys):
        found = Target.objects.filter(batch=ctx.batch)
        return {k: t for t in found if (k := (t.metric, t.group_id, t.member_id)) in keys}

    def changes(self, obj, data, ctx) -> dict:
        return {"value": data["value"]} if data["value"] != obj.value else {}

    def create(self, data, ctx):
        return target_set(
            batch=ctx.batch,
            metric=data["metric"],
            value=data["value"],
            group=data["group"],
            member=data["member"],
            reason=data["reason"],
            by=ctx.user,
        )

    def update(self, obj, changes, data, ctx):
        return target_revise(target=obj, value=changes["value"], reason=data["reason"] or IMPORT_REASON, by=ctx.user)


register(TargetImport())

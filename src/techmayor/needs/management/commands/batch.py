"""``techmayor batch handover --city 常州市 --from 14 --to 15 [--dry-run]``: hand a batch over to the next."""

import argparse
import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from techmayor.core.audit import audit_source
from techmayor.core.errors import ApplicationError
from techmayor.needs.handover import INTAKE, KIND_LABELS, batch_handover, handover_plan
from techmayor.scorecard.services import batch_lookup

ALL = {"all", "全部"}


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD：{text}") from exc


class Command(BaseCommand):
    help = "批次管理。handover：把一个城市的当前批次交接给下一批（先用 --dry-run 预览）。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        handover = sub.add_parser("handover", help="交接到下一批：复制支团、连任团员、为离任团员的工作指定新负责人")
        handover.add_argument("--city", default="常州市", help="城市，默认 常州市")
        handover.add_argument("--from", dest="old", type=int, required=True, help="当前批次，如 14")
        handover.add_argument("--to", dest="new", type=int, required=True, help="下一批次，须为当前批次加一，如 15")
        handover.add_argument(
            "--continue", dest="continuing", default="", help="连任团员（姓名或编号，逗号分隔；all 为全部）"
        )
        handover.add_argument(
            "--assign", action="append", default=[], help="改派：need:12=张三 或 link:5=李四（可多次）"
        )
        handover.add_argument("--start", type=parse_date, help="新批次开始日期（默认今天）")
        handover.add_argument("--end", type=parse_date, help="新批次结束日期（默认开始后一年）")
        handover.add_argument("--dry-run", action="store_true", help="只列出交接清单，不做任何修改")

    def handle(self, *args, **opts):
        try:
            batch = batch_lookup(city=opts["city"], number=opts["old"])
            if opts["new"] != batch.number + 1:
                raise CommandError(f"--to 须为 {batch.number + 1}（当前批次的下一批）")
            members = {t.member.name: t.member_id for t in batch.tenures.select_related("member")}
            plan = handover_plan(
                batch=batch,
                continuing=self._members(opts["continuing"], members),
                assign=self._assign(opts["assign"], members),
                start=opts["start"],
                end=opts["end"],
            )
            self._preview(plan)
            if opts["dry_run"]:
                self.stdout.write("（预览：未做任何修改）")
                return
            with audit_source("cli"):
                new = batch_handover(plan=plan)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(f"交接完成：{batch} 已结束，{new} 为当前批次"))

    @staticmethod
    def _member(text: str, members: dict[str, int]) -> int:
        text = text.strip()
        if text.isdigit() and int(text) in members.values():
            return int(text)
        if text in members:
            return members[text]
        raise CommandError(f"「{text}」不是该批次的团员（写姓名或编号）")

    def _members(self, text: str, members: dict[str, int]) -> list[int]:
        if text.strip().lower() in ALL:
            return list(members.values())
        return [self._member(part, members) for part in text.replace("，", ",").split(",") if part.strip()]

    def _assign(self, pairs: list[str], members: dict[str, int]) -> dict[str, int]:
        out = {}
        for pair in pairs:
            key, sep, who = pair.partition("=")
            if not sep or ":" not in key:
                raise CommandError(f"改派应写成 need:12=张三：{pair}")
            out[key.strip()] = self._member(who, members)
        return out

    def _preview(self, plan) -> None:
        w = self.stdout.write
        w(f"{plan.batch} → 第{plan.number}批（{plan.start} 至 {plan.end}）")
        w(f"支团（复制）：{'、'.join(g.name for g in plan.batch.groups.all())}")
        w(f"连任 {len(plan.continuing)} 人：{'、'.join(t.member.name for t in plan.continuing) or '无'}")
        w(f"离任 {len(plan.leaving)} 人：{'、'.join(t.member.name for t in plan.leaving) or '无'}")
        w("")
        w("交接清单（编号 · 类别 · 支团 · 内容 · 离任团员 → 建议新负责人）：")
        for item in plan.items:
            group = item.group.name if item.group else "—"
            leaving = "、".join(m.name for m in item.leaving) or "—"
            if item.kind == INTAKE:
                target = f"由新批次{group}继续使用" if item.group else "继续使用"
            else:
                target = item.proposed.name if item.proposed else "无（须用 --assign 指定）"
            w(f"  {item.key} · {KIND_LABELS[item.kind]} · {group} · {item.title} · {leaving} → {target}")
            if item.reason:
                w(f"      理由：{item.reason}")
        if not plan.items:
            w("  （无）")
        w("")
        w(f"未办结需求 {plan.carried} 条转入第{plan.number}批继续办理（成绩仍计入采集它们的批次）")
        problems = plan.problems
        if problems:
            w("")
            w("尚不能交接：")
            for problem in problems:
                w(f"  - {problem}")

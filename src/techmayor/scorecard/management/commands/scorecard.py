import argparse
import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from techmayor.core.errors import ApplicationError
from techmayor.scorecard import rollup
from techmayor.scorecard.services import batch_lookup, plain_number, render_table, scorecard


def parse_date(text: str) -> dt.date:
    """An argument's date; a bad one is reported by argparse as a usage error, without a traceback."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD：{text}") from exc


class Command(BaseCommand):
    # A read-only report: skip the system checks, which import every URLconf and view (seconds).
    requires_system_checks: list[str] = []
    help = "打印一个批次的创新成绩单（按记录计算，经预汇总单元格读取）。"

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, required=True, help="批次，如 14")
        parser.add_argument("--city", default="常州市", help="城市，默认 常州市")
        parser.add_argument("--format", choices=["json", "table"], default="table")
        parser.add_argument("--since", type=parse_date, help="统计起始日期（默认批次开始）")
        parser.add_argument("--until", type=parse_date, help="统计截止日期（默认批次结束）")
        parser.add_argument(
            "--verify", action="store_true", help="核对预汇总单元格与记录是否一致（不一致时列出差异并以非零状态退出）"
        )

    def handle(self, *args, **opts):
        try:
            batch = batch_lookup(city=opts["city"], number=opts["batch"])
            card = scorecard(batch=batch, start=opts["since"], end=opts["until"])
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        if opts["verify"]:
            problems = rollup.verify()
            if problems:
                raise CommandError("预汇总单元格与记录不一致：\n" + "\n".join(problems[:50]))
            self.stderr.write("预汇总单元格与记录一致。")
        if opts["format"] == "json":
            self.stdout.write(json.dumps(card, ensure_ascii=False, indent=2, default=plain_number))
        else:
            self.stdout.write(render_table(card))

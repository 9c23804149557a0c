import argparse
import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from techmayor.core.errors import ApplicationError
from techmayor.scorecard import comparisons, rollup
from techmayor.scorecard.services import batch_lookup, plain_number, render_table, scorecard


def parse_date(text: str) -> dt.date:
    """An argument's date; a bad one is reported by argparse as a usage error, without a traceback."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD：{text}") from exc


def parse_numbers(text: str) -> list[int]:
    """``13,14`` → [13, 14]; anything else is a usage error."""
    try:
        return [int(part) for part in text.replace("，", ",").split(",") if part.strip()]
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"批次应写成以逗号分隔的数字，如 13,14：{text}") from exc


class Command(BaseCommand):
    # A read-only report: skip the system checks, which import every URLconf and view (seconds).
    requires_system_checks: list[str] = []
    help = "打印一个批次的创新成绩单（按记录计算，经预汇总单元格读取）。"

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, help="批次，如 14（--province 或 --compare 时不用）")
        parser.add_argument("--city", default="常州市", help="城市，默认 常州市")
        parser.add_argument("--province", help="全省各市并列：省份，如 江苏省（与 --year 同用）")
        parser.add_argument("--year", type=int, help="批次到任的年份，如 2021（与 --province 同用）")
        parser.add_argument("--compare", type=parse_numbers, help="同一城市的批次并列，如 13,14（按任期同一月份比较）")
        parser.add_argument(
            "--months", type=int, help="--compare 比较各批次任期的前几个月（默认：最新批次已任职的月数）"
        )
        parser.add_argument(
            "--rank-by",
            choices=comparisons.COUNTY_METRICS,
            default=comparisons.DEFAULT_RANK_BY,
            help="各县（市、区）排名所依据的指标（仅当该市或该省开启了县（市、区）排名时排名）",
        )
        parser.add_argument("--format", choices=["json", "table"], default="table")
        parser.add_argument("--since", type=parse_date, help="统计起始日期（默认批次开始）")
        parser.add_argument("--until", type=parse_date, help="统计截止日期（默认批次结束）")
        parser.add_argument(
            "--verify", action="store_true", help="核对预汇总单元格与记录是否一致（不一致时列出差异并以非零状态退出）"
        )

    def handle(self, *args, **opts):
        if opts["province"] or opts["compare"]:
            return self._comparison(opts)
        if opts["batch"] is None:
            raise CommandError("请指定 --batch（或 --province 与 --year，或 --compare）")
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

    def _comparison(self, opts):
        if opts["province"] and opts["year"] is None:
            raise CommandError("--province 须与 --year 同用，如 --province 江苏省 --year 2021")
        try:
            if opts["province"]:
                result = comparisons.province_year(
                    province=opts["province"], year=opts["year"], rank_by=opts["rank_by"]
                )
            else:
                result = comparisons.compare_batches(
                    city=opts["city"], numbers=opts["compare"], months=opts["months"], rank_by=opts["rank_by"]
                )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        if opts["format"] == "json":
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2, default=plain_number))
        else:
            self.stdout.write(comparisons.render(result))

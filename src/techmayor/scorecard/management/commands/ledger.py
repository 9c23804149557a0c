from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from techmayor.core.errors import ApplicationError
from techmayor.scorecard.ledger import group_lookup, ledger_for, ledger_workbook, parse_month
from techmayor.scorecard.services import batch_lookup


class Command(BaseCommand):
    help = "生成某月的月度台账（.xlsx）：月度概览、走访记录、活动与来访、需求进展、合作与到账、平台项目人才"

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, required=True, help="批次，如 14")
        parser.add_argument("--city", default="常州市", help="城市，默认 常州市")
        parser.add_argument("--month", required=True, help="月份，YYYY-MM，如 2022-04")
        parser.add_argument("--group", help="只生成这个支团的台账，如 溧阳团（默认全市各支团）")
        parser.add_argument("--out", required=True, help="输出文件，如 台账-2022-04.xlsx")

    def handle(self, *args, **opts):
        out = Path(opts["out"])
        if not out.parent.is_dir():
            raise CommandError(f"输出目录不存在：{out.parent}")
        try:
            batch = batch_lookup(city=opts["city"], number=opts["batch"])
            group = group_lookup(batch=batch, name=opts["group"]) if opts["group"] else None
            groups = [group] if group is not None else None
            ledger = ledger_for(batch=batch, month=parse_month(opts["month"]), groups=groups)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        try:
            out.write_bytes(ledger_workbook(ledger))
        except OSError as exc:
            raise CommandError(f"无法写入 {out}：{exc.strerror}") from exc
        self.stdout.write(f"已生成 {out}（{ledger.scope_label}，{ledger.month:%Y-%m}）")

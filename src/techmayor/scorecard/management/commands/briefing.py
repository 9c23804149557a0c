from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from techmayor.core.documents import FORMATS
from techmayor.core.errors import ApplicationError
from techmayor.roster.models import Group
from techmayor.scorecard.briefing import briefing
from techmayor.scorecard.services import batch_lookup

from .scorecard import parse_date


class Command(BaseCommand):
    help = "按创新成绩单写出工作简报（docx、pdf 或 md），数字按统一的取整规则书写。"

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, required=True, help="批次，如 14")
        parser.add_argument("--city", default="常州市", help="城市，默认 常州市")
        parser.add_argument("--until", type=parse_date, help="统计截止日期（默认批次结束日与今天中较早者）")
        parser.add_argument("--group", help="只写一个支团的简报，如 溧阳团")
        parser.add_argument("--format", choices=sorted(FORMATS), default="docx")
        parser.add_argument("--out", required=True, help="输出文件")

    def handle(self, *args, **opts):
        out = Path(opts["out"])
        if not out.parent.is_dir():
            raise CommandError(f"输出目录不存在：{out.parent}")
        try:
            batch = batch_lookup(city=opts["city"], number=opts["batch"])
            group = None
            if opts["group"]:
                group = Group.objects.filter(batch=batch, name=opts["group"]).first()
                if group is None:
                    names = "、".join(batch.groups.order_by("id").values_list("name", flat=True)) or "无"
                    raise ApplicationError(f"{batch}没有支团「{opts['group']}」（已有：{names}）", field="group")
            document = briefing(batch=batch, until=opts["until"], group=group).document()
            content = FORMATS[opts["format"]][1](document)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        try:
            out.write_bytes(content)
        except OSError as exc:
            raise CommandError(f"无法写入 {out}：{exc.strerror}") from exc
        self.stdout.write(f"已写出 {out}（{document.title}）")

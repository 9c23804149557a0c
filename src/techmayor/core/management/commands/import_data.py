"""``techmayor import KIND FILE [--skip-bad]``: import a file of one kind of record.

A thin adapter: it looks the importer up in :data:`IMPORTERS`, runs it with the audit source
``import`` and prints the summary; each bad row goes to stderr. A new kind (corpus, enterprises …)
is one more entry in :data:`IMPORTERS`. Importers are named by dotted path so that ``core`` does
not import the apps that depend on it.
"""

from __future__ import annotations

from typing import NamedTuple

from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from techmayor.core.audit import audit_source
from techmayor.core.errors import ApplicationError
from techmayor.core.files import ImportRejected


class Importer(NamedTuple):
    handler: str  # dotted path of ``handler(path, *, skip_bad=False, by=None) -> ImportResult``
    unit: str  # counting word for the summary: 新增 3 所
    label: str


IMPORTERS: dict[str, Importer] = {
    "universities": Importer("techmayor.resources.importers.import_universities", "所", "高校名单"),
}


class Command(BaseCommand):
    help = "导入数据文件（.xls / .xlsx / .csv）。KIND: " + "、".join(f"{k}（{v.label}）" for k, v in IMPORTERS.items())

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(IMPORTERS), help="导入的数据类型")
        parser.add_argument("file", help="数据文件路径")
        parser.add_argument(
            "--skip-bad", action="store_true", help="跳过有错误的行，只导入正确的行（默认：有错误则什么也不写入）"
        )

    def handle(self, *args, kind: str, file: str, skip_bad: bool, **options):
        importer = IMPORTERS[kind]
        handler = import_string(importer.handler)
        try:
            with audit_source("import"):
                result = handler(file, skip_bad=skip_bad)
        except ImportRejected as exc:
            for line in exc.errors:
                self.stderr.write(line)
            raise CommandError(f"{exc.message}；请改正后重新导入，或加 --skip-bad 只导入正确的行") from exc
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc

        for line in result.errors:
            self.stderr.write(line)
        self.stdout.write(self.style.SUCCESS(f"{importer.label}导入完成：{result.summary(importer.unit)}"))

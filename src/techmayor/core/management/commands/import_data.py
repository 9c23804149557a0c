"""``techmayor import KIND FILE [--kind SUBKIND] [--skip-bad]``: import a file of one kind of record.

A thin adapter: it looks the importer up in :data:`IMPORTERS`, runs it with the audit source
``import`` and prints the summary; each bad row goes to stderr. A new kind (corpus, enterprises …)
is one more entry in :data:`IMPORTERS`. Importers are named by dotted path so that ``core`` does
not import the apps that depend on it. An importer that reads several kinds of record from the
same file format (``corpus``: paper / patent / offer) lists them in ``kinds``; ``--kind`` is then
required and passed to the handler as ``kind=``.
"""

from __future__ import annotations

from typing import NamedTuple

from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from techmayor.core.audit import audit_source
from techmayor.core.errors import ApplicationError
from techmayor.core.files import ImportRejected


class Importer(NamedTuple):
    handler: str  # dotted path of ``handler(path, *, skip_bad=False, by=None[, kind=...]) -> ImportResult``
    unit: str  # counting word for the summary: 新增 3 所
    label: str
    kinds: tuple[str, ...] = ()  # values of --kind (required when not empty)
    submit: str = ""  # dotted path of ``submit(*, path, skip_bad[, kind]) -> Job`` (``--background``)


# ``records``: every record kind a group keeps (``--kind visits`` …), see ``techmayor.imports.cli``.
RECORDS_CLI = "techmayor.imports.cli.run"

IMPORTERS: dict[str, Importer] = {
    "universities": Importer("techmayor.resources.importers.import_universities", "所", "高校名单"),
    "corpus": Importer(
        "techmayor.matchmaking.importers.import_corpus",
        "条",
        "科技成果（JSONL）",
        ("paper", "patent", "offer"),
        "techmayor.matchmaking.services.corpus_import_submit",
    ),
}


class Command(BaseCommand):
    help = (
        "导入数据文件（.xls / .xlsx / .csv；corpus 为 JSONL）。KIND: "
        + "、".join(f"{k}（{v.label}）" for k, v in IMPORTERS.items())
        + "。例：techmayor import corpus csl_papers.jsonl --kind paper"
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted([*IMPORTERS, "records"]), help="导入的数据类型")
        parser.add_argument("file", help="数据文件路径")
        parser.add_argument(
            "--kind",
            dest="record_kind",
            help="记录类型（corpus：paper 论文 / patent 专利 / offer 技术成果；records：enterprises、visits、needs、"
            "events、visitors、reports、intents、agreements、talents、platforms、projects、roster）",
        )
        parser.add_argument("--batch", type=int, help="批次（records）：如 14")
        parser.add_argument("--city", help="城市（records）：如 常州市")
        parser.add_argument("--dry-run", action="store_true", help="只预览，不写入（records）")
        parser.add_argument("--as", dest="username", help="以该用户的身份和数据范围导入（records）")
        parser.add_argument(
            "--allow-similar", action="store_true", help="名称与已有企业相似时仍然新建企业（records；默认报错）"
        )
        parser.add_argument(
            "--confirm-amounts",
            action="store_true",
            help="金额超过10亿元的行已核对无误，照常写入（records；默认：列出这些行，不写入）",
        )
        parser.add_argument("--limit", type=int, default=50, help="预览表最多列出的行数（records）")
        parser.add_argument(
            "--skip-bad", action="store_true", help="跳过有错误的行，只导入正确的行（默认：有错误则什么也不写入）"
        )
        parser.add_argument(
            "--background",
            action="store_true",
            help="作为后台任务导入（corpus）：进度显示在「匹配索引」页的任务卡片上，须有 techmayor run_huey 在运行",
        )

    def handle(self, *args, kind: str, file: str, skip_bad: bool, record_kind: str | None = None, **options):
        if kind == "records":
            run = import_string(RECORDS_CLI)
            return run(
                self,
                file,
                kind=record_kind,
                batch=options.get("batch"),
                city=options.get("city"),
                dry_run=options.get("dry_run", False),
                skip_bad=skip_bad,
                username=options.get("username"),
                allow_similar=options.get("allow_similar", False),
                confirm_amounts=options.get("confirm_amounts", False),
                limit=options.get("limit") or 50,
            )
        importer = IMPORTERS[kind]
        handler = import_string(importer.handler)
        extra = {}
        if importer.kinds:
            if record_kind not in importer.kinds:  # argparse no longer lists them: records have their own
                raise CommandError(f"导入 {kind} 须指定 --kind（{' / '.join(importer.kinds)}）")
            extra["kind"] = record_kind
        elif record_kind:
            raise CommandError(f"导入 {kind} 不支持 --kind")
        if options.get("background"):
            return self._background(importer, file, skip_bad=skip_bad, **extra)
        try:
            with audit_source("import"):
                result = handler(file, skip_bad=skip_bad, **extra)
        except ImportRejected as exc:
            for line in exc.errors:
                self.stderr.write(line)
            raise CommandError(f"{exc.message}；请改正后重新导入，或加 --skip-bad 只导入正确的行") from exc
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc

        for line in result.errors:
            self.stderr.write(line)
        self.stdout.write(self.style.SUCCESS(f"{importer.label}导入完成：{result.summary(importer.unit)}"))

    def _background(self, importer: Importer, file: str, *, skip_bad: bool, **extra) -> None:
        if not importer.submit:
            raise CommandError("该类型不支持 --background")
        submit = import_string(importer.submit)
        try:
            job = submit(path=file, skip_bad=skip_bad, **extra)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(f"已提交后台任务 #{job.pk}：{importer.label}导入；进度见「匹配索引」页"))

"""``techmayor enterprises duplicates [--min-score 85]``: pairs of enterprises that are probably the same company."""

from django.core.management.base import BaseCommand, CommandError

from techmayor.enterprises.dedupe import SHOWN, NameIndex


class Command(BaseCommand):
    # A read-only report: skip the system checks, which import every URLconf and view (seconds).
    requires_system_checks: list[str] = []
    help = "企业查重：列出名称相近、可能是同一家企业的企业对（相似度 0–100）。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        duplicates = sub.add_parser("duplicates", help="列出可能重复的企业对，相似度从高到低")
        duplicates.add_argument(
            "--min-score", type=int, default=SHOWN, help=f"只列出相似度不低于此值的企业对（0–100，默认 {SHOWN}）"
        )
        duplicates.add_argument("--limit", type=int, default=0, help="最多列出多少对（默认全部）")

    def handle(self, *args, **opts):
        score = opts["min_score"]
        if not 0 <= score <= 100:
            raise CommandError(f"--min-score 应在 0 到 100 之间：{score}")
        pairs = NameIndex.of().pairs(min_score=score)
        if opts["limit"] > 0:
            pairs = pairs[: opts["limit"]]
        for a, b, s in pairs:
            self.stdout.write(f"{s}%\t{a.pk}\t{a.name}\t{b.pk}\t{b.name}")
        self.stderr.write(f"相似度不低于 {score}% 的企业对：{len(pairs)} 对")

"""``techmayor targets import FILE --batch 14 --city 常州市`` (the import kind ``targets``: one row per
group × metric, as every import: preview, ``--dry-run``, ``--skip-bad``, ``--as USERNAME``, log and rollback),
``techmayor targets list --batch 14 --city 常州市 [--as-of DATE]`` and
``techmayor targets backtest --cut 2022-01-31 [--to 2022-05-31] [--batch 14 --city 常州市]``."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from techmayor.core.audit import audit_source


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{text}") from exc


def _batch(number, city):
    from techmayor.imports.cli import _batch as lookup
    from techmayor.roster.models import Batch

    if number is not None:
        return lookup(number, city)
    active = list(Batch.objects.filter(is_active=True).select_related("city")[:2])
    if len(active) != 1:
        raise CommandError("请指定批次（--batch 与 --city）")
    return active[0]


def _pct(share) -> str:
    return "—" if share is None else f"{share * 100:+.1f}%"


class Command(BaseCommand):
    help = "目标责任：导入目标（每行一个支团×指标）、查看进度与预测、用历史数据检验预测"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="从 .xlsx/.xls/.csv 导入目标")
        imp.add_argument("file")
        imp.add_argument("--batch", type=int, required=True, help="批次，如 14")
        imp.add_argument("--city", help="城市，如 常州市")
        imp.add_argument("--dry-run", action="store_true", help="只预览，不写入")
        imp.add_argument("--skip-bad", action="store_true", help="跳过有错误的行")
        imp.add_argument("--as", dest="username", help="以该用户的身份导入（须为本市管理员）")
        imp.add_argument("--limit", type=int, default=50, help="预览表最多列出的行数")
        show = sub.add_parser("list", help="列出批次的目标、完成、时序进度与预测")
        show.add_argument("--batch", type=int)
        show.add_argument("--city")
        show.add_argument("--as-of", help="统计截止日（默认今天）")
        test = sub.add_parser("backtest", help="把记录截在某日，预测之后某日的数字，并与实际比较")
        test.add_argument("--cut", required=True, help="截断日，如 2022-01-31")
        test.add_argument("--to", help="预测到哪一天（默认批次结束日）")
        test.add_argument("--batch", type=int)
        test.add_argument("--city")
        test.add_argument("--metrics", help="指标代码，逗号分隔（默认：本批已设目标的指标）")

    def handle(self, *args, action: str, **options):
        getattr(self, f"do_{action}")(**options)

    def do_import(self, *, file, batch, city, dry_run, skip_bad, username, limit, **_):
        from techmayor.imports.cli import run

        with audit_source("cli"):
            run(
                self,
                file,
                kind="targets",
                batch=batch,
                city=city,
                dry_run=dry_run,
                skip_bad=skip_bad,
                username=username,
                allow_similar=False,
                limit=limit,
            )

    def do_list(self, *, batch, city, as_of, **_):
        from techmayor.targets.models import Target
        from techmayor.targets.selectors import progress_list

        b = _batch(batch, city)
        rows = progress_list(
            Target.objects.filter(batch=b).select_related("batch__city", "group", "member"),
            batch=b,
            as_of=_date(as_of) if as_of else None,
        )
        if not rows:
            self.stdout.write(f"{b} 尚未设定目标")
            return
        self.stdout.write(f"{b} 目标进度（截至 {rows[0].as_of}，任期已过 {rows[0].elapsed:.0%}）")
        for p in rows:
            f = p.forecast
            outlook = f"预计 {p.shown_point}（{p.shown_low}–{p.shown_high}）{p.outlook_label}" if f else ""
            self.stdout.write(
                f"{p.target}：目标 {p.shown_value}，完成 {p.shown_done}（{p.percent}%），"
                f"时序进度 {p.expected_percent}%，{p.status_label}；{outlook}"
            )

    def do_backtest(self, *, cut, to, batch, city, metrics, **_):
        from techmayor.scorecard.metrics import METRICS
        from techmayor.targets.backtest import backtest, summary

        b = _batch(batch, city)
        codes = [c.strip() for c in metrics.split(",") if c.strip()] if metrics else None
        try:
            trials = backtest(b, cut=_date(cut), to=_date(to) if to else None, metrics=codes)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        end = _date(to) if to else b.end_date
        self.stdout.write(f"{b}：以 {cut} 之前的记录预测 {end} 的数字，与实际比较（区间约八成把握）")
        self.stdout.write("指标\t范围\t截断时\t预测\t区间\t实际\t误差\t落在区间内")
        for t in trials:
            f = t.forecast
            self.stdout.write(
                f"{METRICS[t.metric].heading}\t{t.scope}\t{t.done:g}\t{f.point:.1f}\t"
                f"{f.low:.1f}–{f.high:.1f}\t{t.actual:g}\t{_pct(t.error)}\t{'是' if t.covered else '否'}"
            )
        self.stdout.write("")
        self.stdout.write("各指标误差：全批次误差 / 各支团平均绝对误差 / 区间覆盖")
        for row in summary(trials):
            mape = "—" if row["group_mape"] is None else f"{row['group_mape'] * 100:.1f}%"
            self.stdout.write(
                f"{METRICS[row['metric']].heading}\t{_pct(row['total_error'])}\t{mape}\t"
                f"{row['covered']}/{row['trials']}"
            )

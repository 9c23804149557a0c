"""``techmayor match index|batch|eval``: the matching engine's command-line contract.

* ``match index [--workers N] [--if-missing]`` builds (or rebuilds, folding in incremental
  changes) the index of every achievement in the database, then assesses every need against it
  ("has a good match"), with progress bars on stderr. The web page /matching/index/ does the
  same as a background job.
* ``match batch --queries FILE.tsv [--k 50] [--target achievements|experts|universities]
  [--format trec]`` reads a TSV with header ``qid<TAB>need`` and prints one line per hit:
  ``qid Q0 id rank score techmayor``; ids are achievements' external ids, experts' primary keys
  and universities' 学校标识码.
* ``match eval --queries FILE.tsv --qrels FILE.qrels [--k 50]`` prints nDCG@10, MRR@10,
  Recall@10 and Recall@50 of the engine and, in the same run, of the plain baseline (jieba +
  bm25s defaults over title + abstract of the same achievements), and their ratio; then the
  discipline routing's accuracy: the share of judged needs whose relevant document's discipline
  is among the need's top three.

* ``match train-ranker [--out FILE]`` trains the learned second stage (decision 0029) from the
  corpora and the training needs that ship with the platform, deterministically (the same file
  on every machine), and writes it (by default beside the training needs).

``batch`` and ``eval`` build the index first when there is none (a note goes to stderr). Only
the results go to stdout, so the output can be piped to trec_eval.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from techmayor.core.errors import ApplicationError
from techmayor.matching.evaluation import (
    PlainBaseline,
    evaluate,
    format_table,
    read_qrels,
    read_queries,
    write_trec_run,
)
from techmayor.matching.learned import MODEL_PATH
from techmayor.matching.ranker import TARGETS, Matcher
from techmayor.matching.routing import route
from techmayor.needs.models import Need
from techmayor.resources.models import Achievement

from ...services import (
    achievement_records,
    index_dir,
    index_exists,
    matcher_get,
    matching_index_build,
    need_assessments_refresh,
    ranker_train,
)


class Command(BaseCommand):
    help = "需求匹配：index 建立/重建索引；batch 批量匹配并输出 TREC 结果；eval 与基线对比评测。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{index,batch,eval,train-ranker}")
        index = sub.add_parser("index", help="建立或重建匹配索引（合并增量修改）")
        index.add_argument("--workers", type=int, default=None, help="分词进程数（默认：本机可用的 CPU 核数）")
        index.add_argument(
            "--if-missing", action="store_true", help="已有索引或资源池为空时什么也不做（供 make run 使用）"
        )

        batch = sub.add_parser(
            "batch",
            help="批量匹配：每个命中输出一行 “qid Q0 id rank score techmayor”",
            description=(
                "读取表头为 qid<TAB>need 的 TSV，每个命中输出一行 “qid Q0 id rank score techmayor”。"
                "id：成果为外部编号，专家为专家编号（Expert 主键），高校为学校标识码。无索引时先自动建立。"
            ),
        )
        batch.add_argument("--queries", required=True, help="TSV 文件，表头 qid<TAB>need")
        batch.add_argument("--k", type=int, default=50, help="每个需求输出的命中数（默认 50）")
        batch.add_argument(
            "--target",
            choices=TARGETS,
            default="achievements",
            help="achievements（外部编号）/ experts（专家主键）/ universities（学校标识码）",
        )
        batch.add_argument("--format", choices=["trec"], default="trec", help="输出格式（trec）")

        ev = sub.add_parser(
            "eval",
            help="评测：引擎与基线（jieba + bm25s 默认参数）的 nDCG@10、MRR@10、Recall@10、Recall@50 及比值",
        )
        ev.add_argument("--queries", required=True, help="TSV 文件，表头 qid<TAB>need")
        ev.add_argument("--qrels", required=True, help="TREC qrels：qid 0 doc_id grade")
        ev.add_argument("--k", type=int, default=50, help="每个需求取的命中数（默认 50，不少于 50）")

        tr = sub.add_parser(
            "train-ranker",
            help="用随平台提供的成果库和训练需求训练第二阶段排序模型（结果确定，可重复）",
        )
        tr.add_argument("--out", default=str(MODEL_PATH), help="模型文件（默认随平台提供的位置）")

    def handle(self, *args, action: str, **options):
        try:
            getattr(self, f"_{action.replace('-', '_')}")(**options)
        except BrokenPipeError:  # `… | head`: stop quietly, as Unix tools do
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(1)
        except (ApplicationError, ValueError, OSError) as exc:
            message = exc.message if isinstance(exc, ApplicationError) else str(exc)
            raise CommandError(message) from exc

    # -- helpers -------------------------------------------------------------------------------

    def _build(self, workers: int | None = None) -> Matcher:
        total = Achievement.objects.count()
        with tqdm(total=total, desc="建立索引", unit="条", file=sys.stderr, disable=None) as bar:

            def progress(done: int) -> None:
                bar.update(done - bar.n)

            return matching_index_build(workers=workers, progress=progress)

    def _matcher(self) -> Matcher:
        matcher = matcher_get()
        if matcher is None:
            self.stderr.write(f"尚无匹配索引，正在建立：{index_dir()}")
            matcher = self._build()
        return matcher

    # -- actions -------------------------------------------------------------------------------

    def _index(self, *, workers: int, if_missing: bool = False, **_):
        if if_missing and (index_exists() or not Achievement.objects.exists()):
            self.stdout.write("匹配索引已存在或资源池为空，未重建")
            return
        matcher = self._build(workers=max(1, workers) if workers else None)
        with tqdm(total=Need.objects.count(), desc="评估需求匹配", unit="项", file=sys.stderr, disable=None) as bar:
            assessed = need_assessments_refresh(force=True, progress=lambda done: bar.update(done - bar.n))
        self.stdout.write(
            self.style.SUCCESS(f"匹配索引已建立：{len(matcher.index)} 条成果，{index_dir()}；已评估 {assessed} 项需求")
        )

    def _batch(self, *, queries: str, k: int, target: str, **_):
        if k <= 0:
            raise CommandError("--k 应为正整数")
        needs = read_queries(queries)
        matcher = self._matcher()
        results = (
            (qid, [(h.id, h.score) for h in hits])
            for qid, hits in matcher.search_many(needs, target=target, k=k, explain=False)
        )
        write_trec_run(self.stdout, results)

    def _eval(self, *, queries: str, qrels: str, k: int, **_):
        needs = read_queries(queries)
        judged = read_qrels(qrels)
        k = max(k, 50)
        matcher = self._matcher()
        engine = {qid: [h.id for h in hits] for qid, hits in matcher.search_many(needs, k=k, explain=False)}
        baseline = PlainBaseline.build(achievement_records())
        plain = {qid: [doc for doc, _ in baseline.search(text, k=k)] for qid, text in needs}
        n_judged = sum(1 for qid, _ in needs if any(g > 0 for g in judged.get(qid, {}).values()))
        self.stdout.write(f"{len(needs)} needs ({n_judged} judged), {len(matcher.index)} achievements, k={k}")
        rows = [("baseline", evaluate(plain, judged)), ("engine", evaluate(engine, judged))]
        self.stdout.write(format_table(rows, baseline="baseline"))
        self.stdout.write(self._routing(matcher, needs, judged))

    def _train_ranker(self, *, out: str, **_):
        with tempfile.TemporaryDirectory() as workdir:
            path = ranker_train(out=Path(out), workdir=Path(workdir))
        self.stdout.write(self.style.SUCCESS(f"排序模型已训练：{path}"))

    def _routing(self, matcher: Matcher, needs, judged) -> str:
        """Discipline routing: the share of judged needs whose relevant document's discipline is
        among the need's top three (needs whose documents carry no discipline, such as patents,
        are counted apart)."""
        relevant = {qid: [d for d, g in judged.get(qid, {}).items() if g > 0] for qid, _ in needs}
        labels = {
            ext: disc
            for ext, disc in Achievement.objects.filter(
                external_id__in=[d for docs in relevant.values() for d in docs]
            ).values_list("external_id", "discipline")
        }
        hit = total = 0
        for qid, text in needs:
            gold = {labels.get(d) for d in relevant[qid]} - {None, ""}
            if not gold:
                continue
            total += 1
            top = [r.label for r in route(matcher, text) if r.space == "discipline"]
            hit += bool(gold & set(top))
        unlabelled = sum(1 for docs in relevant.values() if docs) - total
        share = f"{hit / total:.1%}" if total else "—"
        return (
            f"routing: the relevant document's discipline is in the need's top 3 for {hit} of {total} needs"
            f" ({share}); {unlabelled} judged needs' documents have no discipline (patents)"
        )

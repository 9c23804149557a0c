"""Quality on the dev set: the engine and its ablations against the plain baseline, with a
two-fold check (odd/even queries) of the only weights that were chosen by looking at data; the
same on a plainer wording of the dev needs (``bench/data/needs_dev_plain.tsv``), the ablation of
the plain-speech normalisation and the second stage, and the discipline routing (decision 0022).

``python -m bench.quality`` prints this part alone."""

from __future__ import annotations

import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from bench.synthetic import EVAL, labelled_titles, real_corpus, taxonomy_words
from techmayor.matching.evaluation import PlainBaseline, evaluate, format_table, read_qrels, read_queries
from techmayor.matching.learned import MODEL_PATH
from techmayor.matching.lexicon import PLAIN_FILLER
from techmayor.matching.ranker import Matcher, with_config
from techmayor.matching.rerank import RerankWeights
from techmayor.matching.routing import route

PLAIN = Path(__file__).resolve().parent / "data" / "needs_dev_plain.tsv"


def _run(search, queries, k=50):
    return {qid: [h[0] if isinstance(h, tuple) else h.id for h in search(text, k)] for qid, text in queries}


def _engine(matcher: Matcher, queries, k=50):
    return {qid: [h.id for h in matcher.search(text, k=k, explain=False)] for qid, text in queries}


def quality(workdir: Path | None = None) -> str:
    queries = read_queries(EVAL / "needs_dev.tsv")
    qrels = read_qrels(EVAL / "needs_dev.qrels")
    corpus = real_corpus()
    lines = []
    base = PlainBaseline.build(corpus)
    raw = PlainBaseline.build(corpus, drop_punctuation=False)
    tmp = tempfile.TemporaryDirectory(dir=workdir)
    m = Matcher.build(corpus, Path(tmp.name) / "index", domain_words=taxonomy_words(), labelled_texts=labelled_titles())
    rows = [
        ("baseline", evaluate(_run(base.search, queries), qrels)),
        ("engine", evaluate(_engine(m, queries), qrels)),
    ]
    lines.append("Quality on needs_dev (55 needs; corpus: 2,000 CSL papers + 9,740 patent titles)")
    lines.append(format_table(rows, baseline="baseline"))
    lines.append(
        "baseline = jieba (precise mode) + bm25s defaults (k1=1.5, b=0.75) over title + abstract, punctuation"
        " tokens dropped;\n  with jieba's tokens as they come (punctuation and spaces kept as terms) it scores"
        f" nDCG@10 {evaluate(_run(raw.search, queries), qrels)['ndcg@10']:.4f}."
    )
    # ablations: what each part adds (full runs over all 55 needs, and per half)
    odd = [q for i, (q, _) in enumerate(queries) if i % 2 == 0]
    even = [q for i, (q, _) in enumerate(queries) if i % 2 == 1]
    fw = dict(m.config.field_weights)
    variants = [
        ("words only, equal fields", dict(field_weights={**fw, "title": 1.0, "bigram": 0.0}, label_weight=0.0)),
        ("+ bigram field (0.5)", dict(field_weights={**fw, "title": 1.0}, label_weight=0.0)),
        ("+ title weight 2", dict(label_weight=0.0)),
        ("+ label agreement 0.2", {}),
        ("+ RM3 (10 docs, 10 terms, 0.5)", dict(prf_original_weight=0.5)),
        ("+ RM3 original weight 0.9", dict(prf_original_weight=0.9)),
    ]
    abl = []
    for name, cfg in variants:
        run = _engine(with_config(m, **cfg), queries)
        abl.append((name, evaluate(run, qrels), evaluate(run, qrels, odd), evaluate(run, qrels, even)))
    lines.append("\nAblations (nDCG@10 on all needs / odd half / even half; each row adds to the one above,")
    lines.append("the RM3 rows to the default engine):")
    for name, e, a, b in abl:
        lines.append(
            f"  {name:<34} {e['ndcg@10']:.4f}  {a['ndcg@10']:.4f}  {b['ndcg@10']:.4f}   R@50 {e['recall@50']:.3f}"
        )
    # two-fold check of title weight x bigram weight x label weight
    grid = [(t, bw, lw) for t in (1.0, 2.0, 3.0) for bw in (0.25, 0.5, 1.0) for lw in (0.0, 0.1, 0.2, 0.3)]
    scores = {}
    for t, bw, lw in grid:
        run = _engine(with_config(m, field_weights={**fw, "title": t, "bigram": bw}, label_weight=lw), queries)
        scores[(t, bw, lw)] = (evaluate(run, qrels, odd)["ndcg@10"], evaluate(run, qrels, even)["ndcg@10"])
    best_odd = max(scores, key=lambda g: scores[g][0])
    best_even = max(scores, key=lambda g: scores[g][1])
    cv = (scores[best_odd][1] + scores[best_even][0]) / 2
    default = (fw["title"], fw["bigram"], m.config.label_weight)
    lines.append(
        f"\nTwo-fold check over title {{1,2,3}} x bigram {{0.25,0.5,1}} x label {{0,0.1,0.2,0.3}} weights:\n"
        f"  tuned on odd {best_odd} -> even {scores[best_odd][1]:.4f}; tuned on even {best_even} -> odd"
        f" {scores[best_even][0]:.4f}; cross-validated nDCG@10 {cv:.4f}\n"
        f"  defaults {default}: odd {scores[default][0]:.4f}, even {scores[default][1]:.4f}"
    )
    # learned boilerplate, learned on one half and applied to the other
    learned_runs = {}
    for train, test in ((odd, even), (even, odd)):
        mm = Matcher.load(Path(tmp.name) / "index")
        texts = dict(queries)
        learned = mm.learn_boilerplate([texts[q] for q in train], save=False)
        learned_runs.update(_engine(mm, [(q, texts[q]) for q in test]))
        lines.append(f"  boilerplate learned from {len(train)} needs: {' '.join(learned)}")
    e = evaluate(learned_runs, qrels)
    lines.append(f"  with boilerplate learned on the other half: nDCG@10 {e['ndcg@10']:.4f}, R@50 {e['recall@50']:.3f}")
    lines.append("")
    lines.append(wordings(Matcher.load(Path(tmp.name) / "index"), corpus))
    tmp.cleanup()
    return "\n".join(lines)


@contextmanager
def _without_filler(m: Matcher):
    """The plain-speech fillers kept in queries (as before decision 0022)."""
    an = m.analyzer
    saved = an._drop_query
    an._drop_query = saved - PLAIN_FILLER
    try:
        yield m
    finally:
        an._drop_query = saved


def _timed(m: Matcher, queries) -> tuple[dict, float]:
    t = time.perf_counter()
    run = _engine(m, queries)
    return run, (time.perf_counter() - t) * 1000 / max(len(queries), 1)


def wordings(m: Matcher, corpus: list[dict]) -> str:
    """Both wordings: the ablation of decision 0022's parts, a two-fold check of the coverage
    weight, and the discipline routing's accuracy."""
    qrels = read_qrels(EVAL / "needs_dev.qrels")
    sets = {"dev": read_queries(EVAL / "needs_dev.tsv"), "plain": read_queries(PLAIN)}
    off = RerankWeights(0.0, 0.0, 0.0, 0.0)
    cfg = m.config
    rows = [
        ("first stage (before 0022)", dict(rerank_depth=0, plain_speech_weight=0.0), True),
        ("+ spoken fillers dropped", dict(rerank_depth=0, plain_speech_weight=0.0), False),
        ("+ plain-speech lexicon 0.5", dict(rerank_depth=0), False),
        ("+ 2nd stage: coverage 1.0", dict(rerank=RerankWeights(cfg.rerank.coverage, 0.0, 0.0, 0.0)), False),
        ("+ general-only penalty = engine", {}, False),
        ("  engine + title coverage 0.3", dict(rerank=RerankWeights(cfg.rerank.coverage, 0.3, 0.0, 0.3)), False),
        ("  engine + title phrase 0.1", dict(rerank=RerankWeights(cfg.rerank.coverage, 0.0, 0.1, 0.3)), False),
        ("  engine, 2nd stage off", dict(rerank=off), False),
        ("  engine, learned 2nd stage (0029)", dict(learned_model=str(MODEL_PATH)), False),
    ]
    out = [
        f"Two wordings of the 55 dev needs: the dev set's, and a plainer one written by hand ({PLAIN.name})",
        f"{'variant':<34}{'dev nDCG@10':>12}{'R@50':>7}{'plain nDCG@10':>15}{'R@50':>7}{'ms/need':>9}",
    ]
    baseline = PlainBaseline.build(corpus)
    cells = []
    for qs in sets.values():
        e = evaluate(_run(baseline.search, qs), qrels)
        cells += [f"{e['ndcg@10']:>12.4f}" if not cells else f"{e['ndcg@10']:>15.4f}", f"{e['recall@50']:>7.3f}"]
    out.append(f"{'plain baseline (jieba + bm25s)':<34}" + "".join(cells))
    for name, changes, filler in rows:
        mm = with_config(m, **changes)
        cells, ms = [], []
        for qs in sets.values():
            if filler:
                with _without_filler(mm):
                    run, t = _timed(mm, qs)
            else:
                run, t = _timed(mm, qs)
            e = evaluate(run, qrels)
            ms.append(t)
            cells += [f"{e['ndcg@10']:>12.4f}" if not cells else f"{e['ndcg@10']:>15.4f}", f"{e['recall@50']:>7.3f}"]
        out.append(f"{name:<34}" + "".join(cells) + f"{sum(ms) / len(ms):>9.1f}")
    # two-fold check of the coverage weight, on both wordings together
    odd = [q for i, (q, _) in enumerate(sets["dev"]) if i % 2 == 0]
    even = [q for i, (q, _) in enumerate(sets["dev"]) if i % 2 == 1]
    grid = (0.0, 0.3, 0.6, 1.0, 1.5, 2.0)
    score = {}
    for w in grid:
        mm = with_config(m, rerank=RerankWeights(w, 0.0, 0.0, cfg.rerank.general_only))
        runs = {s: _engine(mm, qs) for s, qs in sets.items()}
        score[w] = tuple(
            sum(evaluate(runs[s], qrels, half)["ndcg@10"] for s in sets) / len(sets) for half in (odd, even)
        )
    best_odd = max(grid, key=lambda w: score[w][0])
    best_even = max(grid, key=lambda w: score[w][1])
    out.append(
        f"Two-fold check of the coverage weight {grid} (mean nDCG@10 of both wordings): tuned on odd"
        f" {best_odd} -> even {score[best_odd][1]:.4f}; tuned on even {best_even} -> odd {score[best_even][0]:.4f};"
        f" cross-validated {(score[best_odd][1] + score[best_even][0]) / 2:.4f}; default"
        f" {cfg.rerank.coverage}: {(score[cfg.rerank.coverage][0] + score[cfg.rerank.coverage][1]) / 2:.4f}"
    )
    out.append(routing(m, corpus, sets, qrels))
    return "\n".join(out)


def routing(m: Matcher, corpus: list[dict], sets, qrels) -> str:
    """Share of needs whose relevant paper's discipline is in their top three, for the
    classifier alone, the neighbours' vote alone and their average (the engine)."""
    discipline = {r.get("id"): r.get("discipline") for r in corpus if r.get("discipline")}
    out = ["Discipline routing (top 3 of the CSL first-level disciplines; needs whose document is a paper):"]
    for s, qs in sets.items():
        cells = []
        for name, w in (("classifier", 1.0), ("neighbours", 0.0), ("engine: average", 0.5)):
            hit = total = 0
            for qid, text in qs:
                gold = {discipline[d] for d, g in qrels.get(qid, {}).items() if g > 0 and d in discipline}
                if not gold:
                    continue
                total += 1
                hit += bool(gold & {r.label for r in route(m, text, classifier_weight=w)})
            cells.append(f"{name} {hit}/{total} ({hit / max(total, 1):.1%})")
        out.append(f"  {s:<6} " + "; ".join(cells))
    return "\n".join(out)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as d:
        corpus = real_corpus()
        built = Matcher.build(
            corpus, Path(d) / "index", domain_words=taxonomy_words(), labelled_texts=labelled_titles()
        )
        print(wordings(built, corpus))

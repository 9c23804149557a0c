"""Quality on the dev set: the engine and its ablations against the plain baseline, with a
two-fold check (odd/even queries) of the only weights that were chosen by looking at data."""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.synthetic import EVAL, labelled_titles, real_corpus, taxonomy_words
from techmayor.matching.evaluation import PlainBaseline, evaluate, format_table, read_qrels, read_queries
from techmayor.matching.ranker import Matcher, with_config


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
    tmp.cleanup()
    return "\n".join(lines)

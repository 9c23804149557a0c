"""Evaluation: TREC qrels and runs, nDCG@10 / MRR@10 / Recall@10 / Recall@50, the plain baseline.

* :func:`read_queries` reads the ``qid<TAB>need`` TSV (header line required).
* :func:`read_qrels` reads TREC qrels (``qid 0 doc_id grade``).
* :func:`write_trec_run` writes ``qid Q0 external_id rank score techmayor`` lines.
* :func:`evaluate` scores a run (``{qid: [doc_id, ...]}`` ranked lists) against qrels.
* :class:`PlainBaseline` is the reference the engine is compared with: jieba (default
  dictionary, precise mode) + bm25s with its default parameters (k1=1.5, b=0.75, Lucene IDF)
  over title + abstract, queries tokenised the same way, no normalisation, no stop words.

No Django imports here.
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np

METRICS = ("ndcg@10", "mrr@10", "recall@10", "recall@50")
RUN_TAG = "techmayor"


def read_queries(path: str | Path) -> list[tuple[str, str]]:
    """``[(qid, need), ...]`` from a TSV with header ``qid<TAB>need``."""
    out = []
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if header is None or [h.strip().lower() for h in header[:2]] != ["qid", "need"]:
            raise ValueError(f"{path}: the first line must be the header 'qid<TAB>need'")
        for lineno, row in enumerate(reader, start=2):
            if not row or not row[0].strip():
                continue
            if len(row) < 2:
                raise ValueError(f"{path}: line {lineno}: expected 'qid<TAB>need'")
            out.append((row[0].strip(), "\t".join(row[1:]).strip()))
    return out


def read_qrels(path: str | Path) -> dict[str, dict[str, int]]:
    """``{qid: {doc_id: grade}}`` from TREC qrels; grades ≤ 0 are kept (they count as non-relevant)."""
    qrels: dict[str, dict[str, int]] = {}
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            parts = line.split()
            if not parts:
                continue
            if len(parts) != 4:
                raise ValueError(f"{path}: line {lineno}: expected 'qid 0 doc_id grade'")
            qid, _, doc, grade = parts
            qrels.setdefault(qid, {})[doc] = int(grade)
    return qrels


def format_trec_line(qid: str, doc_id: str, rank: int, score: float, tag: str = RUN_TAG) -> str:
    """One run line; ids must not contain whitespace (TREC columns are space-separated)."""
    if re.search(r"\s", qid) or re.search(r"\s", doc_id):
        raise ValueError(f"TREC ids must not contain whitespace: {qid!r} {doc_id!r}")
    return f"{qid} Q0 {doc_id} {rank} {score:.6f} {tag}"


def write_trec_run(out: IO[str], results: Iterable[tuple[str, Sequence[tuple[str, float]]]], tag: str = RUN_TAG) -> int:
    """Write ``qid Q0 external_id rank score tag`` lines (rank from 1, scores non-increasing);
    ``results`` yields ``(qid, [(doc_id, score), ...])`` already ranked.  Returns lines written."""
    n = 0
    for qid, hits in results:
        for rank, (doc_id, score) in enumerate(hits, start=1):
            out.write(format_trec_line(qid, doc_id, rank, score, tag) + "\n")
            n += 1
    return n


def read_trec_run(path: str | Path) -> dict[str, list[str]]:
    """``{qid: [doc_id, ...]}`` ordered by rank."""
    rows: dict[str, list[tuple[int, str]]] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) == 6:
                rows.setdefault(parts[0], []).append((int(parts[3]), parts[2]))
    return {q: [d for _, d in sorted(v)] for q, v in rows.items()}


def ndcg_at(ranked: Sequence[str], judged: Mapping[str, int], k: int) -> float:
    gains = [max(judged.get(d, 0), 0) for d in ranked[:k]]
    dcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sorted((max(g, 0) for g in judged.values()), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg > 0 else 0.0


def mrr_at(ranked: Sequence[str], judged: Mapping[str, int], k: int) -> float:
    for i, d in enumerate(ranked[:k]):
        if judged.get(d, 0) > 0:
            return 1.0 / (i + 1)
    return 0.0


def recall_at(ranked: Sequence[str], judged: Mapping[str, int], k: int) -> float:
    rel = {d for d, g in judged.items() if g > 0}
    if not rel:
        return 0.0
    return len(rel.intersection(ranked[:k])) / len(rel)


def per_query(run: Mapping[str, Sequence[str]], qrels: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, float]]:
    """Metric values per judged query (a judged query missing from the run scores 0)."""
    out = {}
    for qid, judged in qrels.items():
        if not any(g > 0 for g in judged.values()):
            continue
        ranked = list(run.get(qid, ()))
        out[qid] = {
            "ndcg@10": ndcg_at(ranked, judged, 10),
            "mrr@10": mrr_at(ranked, judged, 10),
            "recall@10": recall_at(ranked, judged, 10),
            "recall@50": recall_at(ranked, judged, 50),
        }
    return out


def evaluate(
    run: Mapping[str, Sequence[str]], qrels: Mapping[str, Mapping[str, int]], qids: Iterable[str] | None = None
) -> dict[str, float]:
    """Mean of each metric over the judged queries (optionally only ``qids``)."""
    pq = per_query(run, qrels)
    if qids is not None:
        keep = set(qids)
        pq = {q: v for q, v in pq.items() if q in keep}
    if not pq:
        return dict.fromkeys(METRICS, 0.0)
    return {m: float(np.mean([v[m] for v in pq.values()])) for m in METRICS}


def format_table(rows: Sequence[tuple[str, Mapping[str, float]]], baseline: str | None = None) -> str:
    """A plain-text table of metrics; with ``baseline`` (a row name) a ratio row per other row."""
    head = f"{'system':<22}" + "".join(f"{m:>11}" for m in METRICS)
    lines = [head, "-" * len(head)]
    base = dict(rows).get(baseline) if baseline else None
    for name, vals in rows:
        lines.append(f"{name:<22}" + "".join(f"{vals[m]:>11.4f}" for m in METRICS))
    if base:
        for name, vals in rows:
            if name == baseline:
                continue
            cells = "".join(f"{(vals[m] / base[m] if base[m] else float('nan')):>10.2f}×" for m in METRICS)
            lines.append(f"{name + ' / ' + baseline:<22}" + cells)
    return "\n".join(lines)


# --- the plain baseline ----------------------------------------------------------------------

_PUNCT_RE = re.compile(r"^[\W_]+$")


def _jieba_tokens(text: str) -> list[str]:
    import jieba

    return [t for t in jieba.lcut(text or "") if t.strip() and not _PUNCT_RE.match(t)]


@dataclass
class PlainBaseline:
    """jieba + bm25s (default parameters) over ``title + abstract`` — the reference system."""

    ids: list[str]
    retriever: object
    drop_punctuation: bool = True

    @classmethod
    def build(cls, records: Iterable[Mapping], *, drop_punctuation: bool = True) -> PlainBaseline:
        """``drop_punctuation=False`` keeps jieba's tokens exactly as they come (punctuation and
        spaces become terms), an even plainer reading of "plain"."""
        import bm25s
        import jieba

        jieba.setLogLevel(60)
        tok = _jieba_tokens if drop_punctuation else (lambda t: jieba.lcut(t or ""))
        ids, corpus = [], []
        for r in records:
            if isinstance(r, str):
                r = json.loads(r)
            ids.append(str(r["external_id"] if "external_id" in r else r["id"]))
            text = (r.get("title") or "") + " " + (r.get("abstract") or r.get("text") or "")
            corpus.append(tok(text))
        retriever = bm25s.BM25()
        retriever.index(corpus, show_progress=False)
        return cls(ids=ids, retriever=retriever, drop_punctuation=drop_punctuation)

    def search(self, text: str, k: int = 50) -> list[tuple[str, float]]:
        if self.drop_punctuation:
            toks = _jieba_tokens(text)
        else:
            import jieba

            toks = jieba.lcut(text or "")
        scores = self.retriever.get_scores(toks) if toks else np.zeros(len(self.ids), dtype=np.float32)
        k = min(k, len(self.ids))
        top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]

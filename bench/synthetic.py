"""A synthetic resource pool made by recombining sentences of the real titles and abstracts.

Every synthetic document takes a real title (lightly recombined: the first half of one title
and the second half of another, for half of them), and papers get 3–6 abstract sentences drawn
from random real abstracts and 3–4 real keywords.  Half of the documents are papers (title +
keywords + abstract), half patents (title + IPC), which is heavier than the real pool (83 %
title-only patents).  Experts: one per document from a pool of n/5 pseudonymous ids, each
expert at one of 150 universities.  Synthetic needs recombine clauses of the dev needs.
"""

from __future__ import annotations

import json
import os
import random
import re
from pathlib import Path

from techmayor import data
from techmayor.core.files import open_file

# The corpora ship with the platform (techmayor/data); the evaluation sets (needs and their
# judgements) are read from ../shared/eval, or $TECHMAYOR_SHARED_DIR/eval.
SHARED = Path(os.environ.get("TECHMAYOR_SHARED_DIR") or Path(__file__).resolve().parents[1].parent / "shared")
EVAL = SHARED / "eval"
CACHE = Path(__file__).resolve().parents[1] / "var" / "bench"


def shared_available() -> bool:
    return (EVAL / "needs_dev.tsv").exists() and (EVAL / "needs_dev.qrels").exists()


def _read_jsonl(path: Path) -> list[dict]:
    with open_file(path, "r", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def real_corpus() -> list[dict]:
    papers = _read_jsonl(data.PAPERS)
    for r in papers:
        r["kind"] = "paper"
    patents = _read_jsonl(data.PATENTS)
    for r in patents:
        r["kind"] = "patent"
    return papers + patents


def labelled_titles() -> dict[str, list[tuple[str, str]]]:
    pairs = []
    with open_file(data.PAPER_TITLES, "r", encoding="utf-8") as fh:
        next(fh, None)
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 2:
                pairs.append((parts[0], parts[1]))
    return {"category": pairs}


def taxonomy_words() -> list[str]:
    from techmayor.matching.analysis import domain_words_from_taxonomy

    with open_file(data.INDUSTRIES, "r", encoding="utf-8") as fh:
        return domain_words_from_taxonomy(r["name"] for r in json.load(fh))


_SENT = re.compile(r"[^。；;！？!?]+[。；;！？!?]?")


def synthetic_path(n: int) -> Path:
    return CACHE / f"synthetic_{n}.jsonl"


def ensure_synthetic(n: int, seed: int = 4754) -> Path:
    """Write ``n`` synthetic records to the cache (once) and return the path."""
    path = synthetic_path(n)
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    real = real_corpus()
    papers = [r for r in real if r["kind"] == "paper"]
    patents = [r for r in real if r["kind"] == "patent"]
    titles = [r["title"] for r in real]
    sentences = [s.strip() for r in papers for s in _SENT.findall(r["abstract"]) if len(s.strip()) > 8]
    keywords = [k for r in papers for k in r["keywords"]]
    n_experts = max(n // 5, 1)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as out:
        for i in range(n):
            expert = rng.randrange(n_experts)
            if rng.random() < 0.5:
                src = rng.choice(papers)
                title = src["title"]
                if rng.random() < 0.5:
                    other = rng.choice(titles)
                    title = title[: len(title) // 2] + other[len(other) // 2 :]
                rec = {
                    "external_id": f"syn-{i:07d}",
                    "kind": "paper",
                    "title": title,
                    "abstract": "".join(rng.choice(sentences) for _ in range(rng.randint(3, 6))),
                    "keywords": rng.sample(keywords, rng.randint(3, 4)),
                    "discipline": src["discipline"],
                    "category": src["category"],
                }
            else:
                src = rng.choice(patents)
                title = src["title"]
                if rng.random() < 0.5:
                    other = rng.choice(patents)["title"]
                    title = title[: len(title) // 2] + other[len(other) // 2 :]
                rec = {"external_id": f"syn-{i:07d}", "kind": "patent", "title": title, "ipc": src["ipc"]}
            rec["expert_ids"] = [f"X{expert:06d}"]
            rec["university_id"] = f"U{expert % 150:03d}"
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    tmp.replace(path)
    return path


def iter_jsonl(path: Path):
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def dev_needs() -> list[tuple[str, str]]:
    from techmayor.matching.evaluation import read_queries

    return read_queries(EVAL / "needs_dev.tsv")


def synthetic_needs(m: int, seed: int = 7) -> list[tuple[str, str]]:
    """``m`` needs recombining clauses of the dev needs (2–5 clauses each)."""
    rng = random.Random(seed)
    clauses = [c for _, t in dev_needs() for c in re.split(r"(?<=[，。；！？])", t) if len(c) > 3]
    return [(f"S{i:05d}", "".join(rng.sample(clauses, rng.randint(2, 5)))) for i in range(m)]

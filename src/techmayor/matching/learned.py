"""The learned second stage: features of a need's best candidates, and a LightGBM ranker over them.

The first stage adds up BM25 scores of terms independently.  For its ``rerank_depth`` best
candidates this module computes what it cannot see (decision 0029):

* the first stage's own view, split up: the combined score and BM25 per field (title, keywords,
  abstract, character bigrams), each relative to the best candidate, and the rank;
* concept coverage of the need's meaningful words, overall and in the title, the number of
  concepts met, the most specific one met, plain-speech concepts met (:mod:`rerank`);
* the longest run of the need's characters in the title (proximity and order);
* agreement of the need's predicted labels (门类, discipline, IPC class) with the document's;
* a general-only flag (the document shares no meaningful word with the need);
* the document's kind (with an abstract or title only) and length.

:func:`train` fits a LambdaRank model on needs paired with the document that answers them —
needs written for training (``training/needs_train.tsv``, about documents that are not in the
evaluation sets) and pairs the corpus gives for free — and never on the evaluation sets.  The
model is small and trained deterministically; ``techmayor match train-ranker`` writes it.  It
learns a correction of the hand-set second stage (:func:`hand_score`, its starting score), so a
few shallow trees can only move documents the evidence of many training needs says to move.

No Django imports here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .index import BIGRAM_FIELD, WORD_FIELDS
from .rerank import concepts_of, features

if TYPE_CHECKING:  # pragma: no cover
    from .ranker import Matcher, _Query

MODEL_PATH = Path(__file__).resolve().parent / "training" / "ranker.txt"
TRAINING_NEEDS = Path(__file__).resolve().parent / "training" / "needs_train.tsv"

FEATURES = (
    "first",
    "bm25",
    "label",
    "title",
    "keywords",
    "abstract",
    "bigram",
    "coverage",
    "title_coverage",
    "phrase",
    "general_only",
    "concepts_met",
    "best_specificity",
    "plain_met",
    "has_abstract",
    "log_length",
    "log_rank",
)


@dataclass
class CandidateFeatures:
    matrix: np.ndarray  # (candidates, len(FEATURES))
    matched: list[list[str]]  # the concepts each candidate holds


def _relative(values: np.ndarray) -> np.ndarray:
    top = float(values.max()) if len(values) else 0.0
    return values / top if top > 0 else np.zeros_like(values)


def field_scores(matcher: Matcher, q: _Query, rows: np.ndarray) -> dict[str, np.ndarray]:
    """BM25 of the need's terms per field for ``rows`` (the query weights of the first stage)."""
    idx = matcher.index
    out = {}
    for f in WORD_FIELDS:
        acc = np.zeros(len(rows), dtype=np.float64)
        for t, w in q.words.items():
            acc += w * idx.score_rows(f, t, rows)
        out[f] = acc
    acc = np.zeros(len(rows), dtype=np.float64)
    for t, w in q.bigrams.items():
        acc += w * idx.score_rows(BIGRAM_FIELD, t, rows)
    out[BIGRAM_FIELD] = acc
    return out


def candidate_features(
    matcher: Matcher, q: _Query, rows: np.ndarray, first: np.ndarray, bm25: np.ndarray, label: np.ndarray
) -> CandidateFeatures:
    """The feature matrix of ``rows`` (the first stage's best, in its order); ``first`` is its
    final score, ``bm25`` the raw BM25 sum and ``label`` the label agreement of each row."""
    idx = matcher.index
    n = len(rows)
    concepts = concepts_of(idx, [w for w in q.words if w not in q.plain_words], matcher.analyzer._subwords, q.plain)
    titles = [matcher.analyzer.normalize(idx.meta(int(r)).title) for r in rows]
    feats = features(idx, concepts, rows, q.norm, titles, with_title=True)
    per_field = field_scores(matcher, q, rows)
    plain_labels = set(q.plain)
    n_concepts = max(len(concepts), 1)
    n_plain = max(len(plain_labels), 1)
    spec = {c.label: c.weight for c in concepts}
    met = np.array([len(m) / n_concepts for m in feats.matched])
    best_spec = np.array([max((spec[c] for c in m), default=0.0) for m in feats.matched])
    plain_met = np.array([sum(1 for c in m if c in plain_labels) / n_plain for m in feats.matched])
    lengths = np.array([idx.doc_length(int(r)) for r in rows], dtype=float)
    has_abstract = (per_field["abstract"] > 0) | (lengths > 3 * np.array([max(len(t), 1) for t in titles]))
    length = np.log1p(lengths)
    matrix = np.column_stack(
        [
            first,
            _relative(bm25),
            label,
            _relative(per_field["title"]),
            _relative(per_field["keywords"]),
            _relative(per_field["abstract"]),
            _relative(per_field[BIGRAM_FIELD]),
            feats.coverage,
            feats.title_coverage,
            feats.phrase,
            feats.general_only,
            met,
            best_spec,
            plain_met,
            has_abstract.astype(float),
            length,
            np.log1p(np.arange(n, dtype=float)),
        ]
    )
    return CandidateFeatures(matrix.astype(np.float64), feats.matched)


def hand_score(matrix: np.ndarray) -> np.ndarray:
    """The hand-set second stage (decision 0022) on a feature matrix: first stage + concept
    coverage − 0.3 × general-only; the learned model's starting score."""
    col = {n: i for i, n in enumerate(FEATURES)}
    return matrix[:, col["first"]] + matrix[:, col["coverage"]] - 0.3 * matrix[:, col["general_only"]]


@dataclass(frozen=True)
class TrainingParams:
    """LambdaRank over :data:`FEATURES`, starting from ``base_scale`` × :func:`hand_score`."""

    rounds: int = 20
    leaves: int = 3
    learning_rate: float = 0.05
    min_data_in_leaf: int = 50
    base_scale: float = 3.0
    depth: int = 100

    def lightgbm(self) -> dict:
        return {
            "objective": "lambdarank",
            "learning_rate": self.learning_rate,
            "num_leaves": self.leaves,
            "min_data_in_leaf": self.min_data_in_leaf,
            "lambdarank_truncation_level": 20,
            "deterministic": True,
            "force_row_wise": True,
            "num_threads": 1,
            "seed": 1,
            "verbose": -1,
        }


class LearnedRanker:
    """A trained model: scores a candidate feature matrix (higher is better)."""

    def __init__(self, booster, base_scale: float) -> None:
        self.booster = booster
        self.base_scale = base_scale

    @classmethod
    def load(cls, path: str | Path) -> LearnedRanker:
        lightgbm = _lightgbm()
        text = Path(path).read_text(encoding="utf-8")
        first, _, rest = text.partition("\n")
        if not first.startswith("# base_scale="):
            raise ValueError(f"{path}: not a ranker model written by train()")
        return cls(lightgbm.Booster(model_str=rest), float(first.split("=", 1)[1]))

    def save(self, path: str | Path) -> None:
        body = self.booster.model_to_string()
        Path(path).write_text(f"# base_scale={self.base_scale}\n{body}", encoding="utf-8")

    def scores(self, matrix: np.ndarray) -> np.ndarray:
        if len(matrix) == 0:
            return np.zeros(0)
        return self.base_scale * hand_score(matrix) + self.booster.predict(matrix, num_threads=1)


def read_training_needs(path: Path = TRAINING_NEEDS) -> list[tuple[str, str, str]]:
    """``(qid, need, external id of the document that answers it)`` rows of a training TSV."""
    out = []
    with open(path, encoding="utf-8") as fh:
        next(fh, None)
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 3 and all(parts):
                out.append((parts[0], parts[1], parts[2]))
    return out


def training_matrix(
    matcher: Matcher, needs: Sequence[tuple[str, str, str]], depth: int = 100
) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Features, labels (1 for the answering document) and group sizes of the ``depth`` best
    first-stage candidates of each training need; needs whose document is not among them (or not
    in the pool) teach nothing and are left out."""
    xs, ys, groups = [], [], []
    for _qid, text, doc in needs:
        target = matcher.index.find_row(doc)
        if target is None:
            continue
        q, rows, first, bm25, label = matcher.first_stage(text)
        top = np.argsort(-first, kind="stable")[:depth]
        rows, first, bm25, label = rows[top], first[top], bm25[top], label[top]
        y = (rows == target).astype(int)
        if not y.any():
            continue
        xs.append(candidate_features(matcher, q, rows, first, bm25, label).matrix)
        ys.append(y)
        groups.append(len(rows))
    if not xs:
        raise ValueError("no training need has its document among the first stage's candidates")
    return np.vstack(xs), np.concatenate(ys), groups


def _lightgbm():
    """LightGBM is needed only by the learned stage, which is off by default: a development dependency."""
    try:
        import lightgbm
    except ImportError as exc:
        from techmayor.core.errors import ApplicationError

        raise ApplicationError("学习排序模型需要 lightgbm：请安装开发依赖（pip install -e '.[dev]'）") from exc
    return lightgbm


def train(
    matcher: Matcher, needs: Sequence[tuple[str, str, str]], params: TrainingParams | None = None
) -> LearnedRanker:
    """Fit the model on ``needs`` (``(qid, text, external id)``) against ``matcher``'s pool."""
    lightgbm = _lightgbm()

    params = params or TrainingParams()
    x, y, groups = training_matrix(matcher, needs, params.depth)
    data = lightgbm.Dataset(
        x, y, group=groups, init_score=params.base_scale * hand_score(x), feature_name=list(FEATURES)
    )
    booster = lightgbm.train(params.lightgbm(), data, num_boost_round=params.rounds)
    return LearnedRanker(booster, params.base_scale)


def train_from_corpora(
    out: str | Path,
    workdir: str | Path,
    *,
    build: Callable[[Path], Matcher],
    needs: Sequence[tuple[str, str, str]] | None = None,
    params: TrainingParams | None = None,
) -> LearnedRanker:
    """Build an index of the shipped corpora in ``workdir`` (``build``), train on the shipped
    training needs and write the model to ``out``."""
    matcher = build(Path(workdir) / "index")
    model = train(matcher, needs if needs is not None else read_training_needs(), params)
    model.save(out)
    return model

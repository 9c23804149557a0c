"""Ranking: from a need text to ranked, explained achievements, experts and universities.

Pipeline of :meth:`Matcher.search`:

1. **Analyse** the need as a query (boilerplate removed), weight terms by 1 + ln(qtf); cap the
   query at ``max_query_terms`` terms by IDF (a 1 MB need stays fast).
2. **Candidates**: field-weighted BM25 over the whole index — title, keywords and abstract word
   fields plus the character-bigram field, each a bm25s score matrix, combined linearly.
3. **Pseudo-relevance feedback (RM3)**, optional (``prf_original_weight`` < 1): the term
   distribution of the top documents (weighted by their scores) adds related scientific terms
   to the query; the expanded query is re-scored over the whole index (Anserini's defaults: 10
   feedback docs, 10 terms, original weight 0.5).  **Off by default**: with one relevant
   achievement per need it pulled the ranking towards the dominant topic of the top documents
   and lowered nDCG@10 for every weight and variant we tried (README).  The enterprise ↔
   scientific vocabulary bridge that did help is the character-bigram field plus search-mode
   sub-words and the label agreement.
4. **Re-ranking** of the candidates: score normalised by the top score, plus
   ``label_weight`` × agreement between the need's predicted category / discipline / IPC class
   (naive Bayes trained on the labelled data) and the document's own labels; feedback (accepted
   / declined pairs for similar needs); optional context boosts (member's home unit, region).
5. **Aggregation** (Balog's document-centric model): an expert's score is the sum of their
   ``expert_docs`` best document scores; a university's, the sum of its ``university_experts``
   best experts (or best documents when the pool has no experts).
6. **Explanations**: the need's terms that occur in the document (per field), related terms from
   feedback that occur in it, the expert's matching titles, shared labels.  Scores are shown as
   ranks and raw scores — never as a made-up percentage.

No Django imports here.
"""

from __future__ import annotations

import json
import math
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import ClassVar

import numpy as np

from .analysis import Analysed, Analyzer, learn_boilerplate
from .classifier import LabelClassifier, LabelCounts, ipc_class, kept_extra_counts, pool_counts
from .index import BIGRAM_FIELD, WORD_FIELDS, AnalysedPool, MatchIndex, build_index
from .learned import LearnedRanker, candidate_features
from .lexicon import is_meaningful_term, plain_speech_terms
from .rerank import RerankWeights, concepts_of, features, rerank_scores
from .words import Reason, gettext_noop

TARGETS = ("achievements", "experts", "universities")
DECLINE_REASONS = ("不对口", "太早期", "效益不明", "已有合作", "联系不上", "其他")
FIELDS_ORDER = [*WORD_FIELDS, BIGRAM_FIELD]
FIELD_NAMES_ZH = {"title": "标题", "keywords": "关键词", "abstract": "摘要", "bigram": "字面"}
SPACE_NAMES_ZH = {"category": "门类", "discipline": "学科", "ipc": "IPC"}


@dataclass(frozen=True)
class RankerConfig:
    """Ranking parameters.  Defaults are textbook values, not tuned to the dev set (see the
    README for the cross-validated checks)."""

    field_weights: Mapping[str, float] = field(
        default_factory=lambda: {"title": 2.0, "keywords": 1.0, "abstract": 1.0, BIGRAM_FIELD: 0.5}
    )
    candidates: int = 1000
    max_query_terms: int = 64
    prf_docs: int = 10
    prf_terms: int = 10
    prf_original_weight: float = 1.0  # RM3 off by default: it hurt on every variant tried (README)
    label_weight: float = 0.2  # 0 switches label agreement off
    feedback_weight: float = 1.0  # × cosine similarity of the two needs; scores are normalised to ≤ 1
    feedback_min_similarity: float = 0.2
    context_weight: float = 0.05
    expert_docs: int = 3
    university_experts: int = 5
    plain_speech_weight: float = 0.5  # weight of the technical terms a plain phrase adds; 0 = off
    rerank_depth: int = 100  # candidates the second stage re-ranks; 0 = off
    rerank: RerankWeights = field(default_factory=RerankWeights)
    # a model written by ``techmayor match train-ranker`` (learned.py) replaces the hand-set
    # second stage when set; off by default: it did not beat it (decision 0029)
    learned_model: str = ""


# --- inputs ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Feedback:
    """One judgement: for the need ``need_text``, the achievement ``external_id`` (and/or the
    expert ``expert_id``, or the university ``university_id``) was accepted or declined
    (``reason`` one of :data:`DECLINE_REASONS`)."""

    need_text: str
    accepted: bool
    external_id: str | None = None
    expert_id: str | None = None
    reason: str = ""
    university_id: str | None = None
    same_need: bool = False  # the need searched for itself: it moves the match, but is no "similar need"


@dataclass
class _Adjustments:
    """Additive re-ranking adjustments from feedback: per candidate row (``rows``, aligned with
    the candidates), per expert and per university, with the notes that explain them."""

    rows: np.ndarray
    notes: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    experts: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    universities: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    university_notes: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


@dataclass(frozen=True)
class SearchContext:
    """Optional signals passed in by the caller (all ids are the pool's ids).

    ``home_university_ids``: the member's home unit(s) ("后方高校"): their experts and results
    get a small boost.  ``region`` and ``university_regions``: the enterprise's region and each
    university's region; same-region universities get a small boost.  ``expert_boosts`` /
    ``achievement_boosts``: arbitrary additive boosts (e.g. from a member's group)."""

    home_university_ids: frozenset[str] = frozenset()
    region: str | None = None
    university_regions: Mapping[str, str] = field(default_factory=dict)
    expert_boosts: Mapping[str, float] = field(default_factory=dict)
    achievement_boosts: Mapping[str, float] = field(default_factory=dict)


# --- outputs --------------------------------------------------------------------------------------


@dataclass
class TermMatch:
    term: str
    fields: list[str]


@dataclass
class LabelMatch:
    space: str  # category | discipline | ipc
    label: str


@dataclass
class AchievementRef:
    external_id: str
    title: str
    matched_terms: list[str]


@dataclass
class Explanation:
    matched_terms: list[TermMatch] = field(default_factory=list)
    related_terms: list[TermMatch] = field(default_factory=list)
    matched_fragments: list[str] = field(default_factory=list)
    shared_labels: list[LabelMatch] = field(default_factory=list)
    achievements: list[AchievementRef] = field(default_factory=list)
    experts: list[str] = field(default_factory=list)
    signals: list[str] = field(default_factory=list)

    def as_text(self) -> str:
        """One readable line in Chinese (no percentages)."""
        parts = []
        if self.matched_terms:
            parts.append(
                "匹配词："
                + "、".join(
                    f"{m.term}（{'/'.join(FIELD_NAMES_ZH.get(f, f) for f in m.fields)}）"
                    for m in self.matched_terms[:8]
                )
            )
        elif self.matched_fragments:
            parts.append("字面相近：" + "、".join(self.matched_fragments[:8]))
        if self.related_terms:
            parts.append("相关词：" + "、".join(m.term for m in self.related_terms[:6]))
        if self.achievements:
            parts.append("相关成果：" + "；".join(f"《{a.title}》" for a in self.achievements[:3]))
        if self.shared_labels:
            parts.append(
                "同属：" + "、".join(f"{SPACE_NAMES_ZH.get(s.space, s.space)} {s.label}" for s in self.shared_labels)
            )
        parts.extend(self.signals)
        return "；".join(parts)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Assessment:
    """How well the pool answers one need (:meth:`Matcher.assess`).

    ``evidence``: the need's distinct terms (two characters or more, sub-words of a longer
    matched term dropped) found in the best of its top achievements, each weighted by its
    specificity in the pool — ln(1 / share of documents holding it) / ln(pool size), so a term in
    one document counts 1 and a term in every document 0.  "Three specific terms in common" is
    about 3, whatever the pool's size; generic words (系统, 开发) add little.  For sorting needs by
    "has a good match" and a coarse :attr:`level`; never shown as a percentage.
    ``matched_terms``: those terms, most specific first; ``external_id`` / ``title``: that
    achievement; ``expert_id``: the top expert."""

    evidence: float = 0.0
    matched_terms: list[str] = field(default_factory=list)
    external_id: str = ""
    title: str = ""
    expert_id: str = ""

    GOOD: ClassVar[float] = 3.0
    FAIR: ClassVar[float] = 1.5

    @property
    def level(self) -> str:
        """good (≈ three specific terms in common or more) / fair / weak / none (no hit)."""
        if not self.external_id:
            return "none"
        return "good" if self.evidence >= self.GOOD else "fair" if self.evidence >= self.FAIR else "weak"


@dataclass
class Hit:
    id: str
    kind: str  # paper | patent | offer | expert | university
    rank: int
    score: float
    title: str = ""
    university_id: str = ""
    explanation: Explanation = field(default_factory=Explanation)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["explanation_text"] = self.explanation.as_text()
        return d


# --- the query ------------------------------------------------------------------------------------


@dataclass
class _Query:
    text: str
    analysed: Analysed
    words: dict[str, float]  # term → weight
    bigrams: dict[str, float]
    labels: dict[str, dict[str, float]]
    expansion: dict[str, float] = field(default_factory=dict)
    plain: dict[str, tuple[str, ...]] = field(default_factory=dict)  # plain phrase → technical terms
    plain_words: set[str] = field(default_factory=set)  # query words and bigrams added by those terms alone
    norm: str = ""  # the normalised need text


def log_tf(tokens: Sequence[str]) -> dict[str, float]:
    return {t: 1.0 + math.log(n) for t, n in Counter(tokens).items()}


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if not a or not b:
        return 0.0
    dot = sum(w * b[t] for t, w in a.items() if t in b)
    na = math.sqrt(sum(w * w for w in a.values()))
    nb = math.sqrt(sum(w * w for w in b.values()))
    return dot / (na * nb) if na and nb else 0.0


class Matcher:
    """The engine: an index, a label classifier and ranking parameters."""

    def __init__(
        self, index: MatchIndex, classifier: LabelClassifier | None = None, config: RankerConfig | None = None
    ) -> None:
        self.index = index
        self.classifier = classifier
        self.build_report: dict = {}  # what each part of the build took (set by build)
        self.config = config or RankerConfig()
        self._learned: tuple[str, LearnedRanker] | None = None

    @property
    def analyzer(self) -> Analyzer:
        return self.index.analyzer

    @property
    def learned(self) -> LearnedRanker | None:
        """The learned second stage named by ``config.learned_model`` (loaded once), or None."""
        path = self.config.learned_model
        if not path:
            return None
        if self._learned is None or self._learned[0] != path:
            self._learned = (path, LearnedRanker.load(path))
        return self._learned[1]

    # -- building and loading ------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        records: Iterable[Mapping] | Callable[[], Iterable[Mapping]],
        directory: str | Path,
        *,
        domain_words: Iterable[str] = (),
        labelled_texts: Mapping[str, Iterable[tuple[str, str]]] | None = None,
        need_texts: Iterable[str] = (),
        config: RankerConfig | None = None,
        workers: int = 1,
        progress: Callable[[int], None] | None = None,
        max_training_records: int = 50_000,
        keywords: Callable[[], Iterable[Sequence[str]]] | None = None,
    ) -> Matcher:
        """Build the index from achievement records (a sequence, or a zero-argument callable
        returning a fresh iterable for corpora too large to hold), train the label classifier on
        the records' own labels (an even sample of at most ``max_training_records``, counted from
        the term frequencies the build already has) plus ``labelled_texts`` (``{"category":
        [(title, 门类), ...], "ipc": [...]}``; what they teach is kept in ``directory/trained``
        under the digest of the texts and the dictionary, and read back by the next build instead
        of learned again), learn boilerplate from ``need_texts`` (may be empty), and save
        everything in ``directory``.  ``keywords``: see :func:`~.index.build_index`.  What each
        part took is in ``directory/build.json`` and :attr:`build_report`: the index's parts
        (:data:`~.index.BUILD_PARTS`), ``classifier``, ``boilerplate`` (seconds) and
        ``labelled_texts``: ``kept`` when the labelled texts' counts were read back."""
        if not callable(records):
            records = list(records)
        learned: dict[str, LabelCounts] = {}
        spent = {"classifier": 0.0}

        def learn_from_pool(pool: AnalysedPool) -> None:
            t = time.perf_counter()
            learned.update(pool_counts(pool, max_training_records))
            spent["classifier"] += time.perf_counter() - t

        index = build_index(
            records,
            directory,
            domain_words=domain_words,
            keywords=keywords,
            workers=workers,
            progress=progress,
            on_analysed=learn_from_pool,
        )
        t = time.perf_counter()
        kept, reused = kept_extra_counts(index.analyzer, labelled_texts, Path(directory) / "trained")
        for space, part in kept.items():
            learned[space] = learned[space].merged(part) if space in learned else part
        classifier = LabelClassifier.from_counts(index.analyzer, learned)
        classifier.save(Path(directory) / "classifier")
        spent["classifier"] += time.perf_counter() - t
        matcher = cls(index, classifier, config)
        t = time.perf_counter()
        need_texts = list(need_texts)
        if need_texts:
            matcher.learn_boilerplate(need_texts)
        spent["boilerplate"] = time.perf_counter() - t
        report = {
            **index.manifest.get("build_parts", {}),
            **{k: round(v, 3) for k, v in spent.items()},
            "labelled_texts": "kept" if reused else ("learned" if kept else "none"),
        }
        (Path(directory) / "build.json").write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
        matcher.build_report = report
        return matcher

    @classmethod
    def load(cls, directory: str | Path, *, config: RankerConfig | None = None, mmap: bool = True) -> Matcher:
        index = MatchIndex.load(directory, mmap=mmap)
        cdir = Path(directory) / "classifier"
        classifier = LabelClassifier.load(cdir, index.analyzer) if (cdir / "classifier.json").exists() else None
        return cls(index, classifier, config)

    def reloaded(self) -> Matcher:
        """This matcher, or a freshly loaded one when the index was rebuilt meanwhile; picks up
        incremental changes written by other processes either way.  Call it per request/job."""
        if self.index.rebuilt_since_load():
            return Matcher.load(self.index.directory, config=self.config)
        self.index.refresh()
        return self

    def learn_boilerplate(self, need_texts: Iterable[str], *, save: bool = True) -> list[str]:
        """Learn enterprise boilerplate from need texts (unsupervised; e.g. all needs in the
        database) and use it from now on.  Returns the learned terms."""
        idx = self.index
        n = max(st.n_docs for st in idx.field_stats.values())
        learned = learn_boilerplate(need_texts, idx.word_doc_share, n, idx.analyzer)
        analyzer = idx.analyzer.with_boilerplate(learned)
        idx.analyzer = analyzer
        if self.classifier is not None:
            self.classifier.analyzer = analyzer
        if save:
            (idx.directory / "analyzer.json").write_text(
                json.dumps(analyzer.config(), ensure_ascii=False), encoding="utf-8"
            )
        return learned

    # -- query ---------------------------------------------------------------------------------

    def _query(self, text: str) -> _Query:
        analysed = self.analyzer.analyze(text, query=True)
        words = log_tf(analysed.words)
        bigrams = log_tf(analysed.bigrams)
        norm = self.analyzer.normalize(text) if text else ""
        plain = plain_speech_terms(norm) if self.config.plain_speech_weight > 0 else {}
        plain_words: set[str] = set()
        plain_bigrams: set[str] = set()
        for terms in plain.values():
            for term in terms:
                extra = self.analyzer.analyze(term)
                for t in extra.words:
                    if is_meaningful_term(t) and t not in words:
                        words[t] = self.config.plain_speech_weight
                        plain_words.add(t)
                for b in extra.bigrams:
                    if b not in bigrams:
                        bigrams[b] = self.config.plain_speech_weight
                        plain_bigrams.add(b)
        cap = self.config.max_query_terms
        idx = self.index
        if len(words) > cap:
            words = dict(sorted(words.items(), key=lambda kv: -kv[1] * idx.idf(kv[0], "title"))[:cap])
        if len(bigrams) > 2 * cap:
            bigrams = dict(sorted(bigrams.items(), key=lambda kv: -kv[1] * idx.idf(kv[0], BIGRAM_FIELD))[: 2 * cap])
        labels = {}
        if self.classifier is not None and self.config.label_weight > 0:
            labels = self.classifier.predict_tokens(analysed.words + ["#" + b for b in analysed.bigrams])
        return _Query(
            text, analysed, words, bigrams, labels, plain=plain, plain_words=plain_words | plain_bigrams, norm=norm
        )

    def _score(self, q: _Query, words: Mapping[str, float], bigrams: Mapping[str, float] | None) -> np.ndarray:
        idx = self.index
        fw = self.config.field_weights
        scores = np.zeros(idx.n_rows, dtype=np.float32)
        for f in WORD_FIELDS:
            if fw.get(f, 0):
                idx.accumulate(scores, f, {t: w * fw[f] for t, w in words.items()})
        if bigrams and fw.get(BIGRAM_FIELD, 0):
            idx.accumulate(scores, BIGRAM_FIELD, {t: w * fw[BIGRAM_FIELD] for t, w in bigrams.items()})
        return scores

    def _top(self, scores: np.ndarray, k: int) -> np.ndarray:
        """Rows of the ``k`` best positive scores, best first, dead rows excluded."""
        dead = self.index.dead_rows
        if len(dead):
            scores[dead] = 0
        top = float(scores.max()) if len(scores) else 0.0
        if top <= 0:
            return np.zeros(0, dtype=np.int64)
        # a threshold that keeps at least k rows avoids a partition of the whole array
        rows = np.zeros(0, dtype=np.int64)
        for frac in (0.25, 0.1, 0.02, 0.0):
            rows = np.flatnonzero(scores > top * frac) if frac else np.flatnonzero(scores > 0)
            if len(rows) >= k:
                break
        vals = scores[rows]
        if len(rows) > k:
            part = np.argpartition(-vals, k - 1)[:k]
            rows, vals = rows[part], vals[part]
        order = np.lexsort((rows, -vals))
        return rows[order]

    def _expand(self, q: _Query, scores: np.ndarray, rows: np.ndarray) -> dict[str, float]:
        """RM3 expansion terms (weights sum to 1) from the top ``prf_docs`` rows."""
        cfg = self.config
        fb = rows[: cfg.prf_docs]
        if len(fb) == 0:
            return {}
        doc_w = scores[fb].astype(np.float64)
        doc_w = doc_w / doc_w.sum()
        rm: dict[str, float] = defaultdict(float)
        for row, w in zip(fb, doc_w, strict=True):
            terms = self.index.doc_terms(int(row))
            length = sum(terms.values()) or 1
            for t, tf in terms.items():
                if len(t) < 2:  # single characters and letters carry little meaning alone
                    continue
                rm[t] += w * tf / length
        best = sorted(rm.items(), key=lambda kv: -kv[1])[: cfg.prf_terms]
        total = sum(v for _, v in best) or 1.0
        return {t: v / total for t, v in best}

    def _candidates(self, q: _Query) -> tuple[np.ndarray, np.ndarray]:
        cfg = self.config
        scores = self._score(q, q.words, q.bigrams)
        rows = self._top(scores, cfg.candidates)
        if len(rows) and cfg.prf_original_weight < 1.0 and cfg.prf_docs > 0:
            expansion = self._expand(q, scores, rows)
            q.expansion = expansion
            if expansion:
                lam = cfg.prf_original_weight
                wsum = sum(q.words.values()) or 1.0
                scores *= np.float32(lam / wsum)
                exp_scores = self._score(q, {t: (1 - lam) * w for t, w in expansion.items()}, None)
                scores += exp_scores
                rows = self._top(scores, cfg.candidates)
        return rows, scores[rows].astype(np.float64)

    # -- re-ranking ----------------------------------------------------------------------------

    def _label_agreement(self, q: _Query, rows: np.ndarray) -> np.ndarray:
        """Per row in [0, 1]: how much the need's predicted labels agree with the document's
        (probability of the document's label relative to the need's most probable label; the
        mean over the label spaces the document has).  Documents without labels get the mean
        agreement of the others, so missing metadata is neither rewarded nor punished."""
        idx = self.index
        n = len(rows)
        total = np.zeros(n)
        count = np.zeros(n)
        for space in ("category", "discipline"):
            dist = q.labels.get(space)
            if not dist:
                continue
            top = max(dist.values()) or 1.0
            rel = np.array([dist.get(v, 0.0) / top for v in idx.labels[space].values] + [np.nan])
            codes = idx.label_codes(space, rows)
            vals = rel[codes]  # code -1 picks the trailing NaN
            ok = ~np.isnan(vals)
            total[ok] += vals[ok]
            count[ok] += 1
        dist = q.labels.get("ipc")
        if dist:
            top = max(dist.values()) or 1.0
            rel = np.array([dist.get(ipc_class(v), 0.0) / top for v in idx.labels["ipc"].values] + [0.0])
            flat, owner = idx.ipc_codes(rows)
            if len(flat):
                best = np.full(n, -1.0)
                np.maximum.at(best, owner, rel[flat])
                ok = best >= 0
                total[ok] += best[ok]
                count[ok] += 1
        has = count > 0
        if not has.any():
            return np.zeros(n)
        out = np.where(has, total / np.maximum(count, 1), 0.0)
        out[~has] = out[has].mean()
        return out

    def _feedback_adjustment(self, q: _Query, rows: np.ndarray, feedback: Sequence[Feedback]) -> _Adjustments:
        """Additive adjustments per row, expert and university from judgements on similar needs
        (weighted by the cosine similarity of the two needs)."""
        out = _Adjustments(np.zeros(len(rows)))
        if not feedback:
            return out
        adj, notes, expert_adj = out.rows, out.notes, out.experts
        cfg = self.config
        qvec = {t: w * self.index.idf(t, "title") for t, w in q.words.items()}
        pos = {self.index.external_id(int(r)): i for i, r in enumerate(rows)}
        row_experts = self.index.experts_of_rows(rows)
        sims: dict[str, float] = {}
        for fb in feedback:
            if fb.need_text not in sims:
                words = log_tf(self.analyzer.analyze(fb.need_text, query=True).words)
                sims[fb.need_text] = cosine(qvec, {t: w * self.index.idf(t, "title") for t, w in words.items()})
            sim = sims[fb.need_text]
            if not fb.accepted and fb.reason == "联系不上" and fb.expert_id:
                # an unreachable expert is unreachable for every need: ranked after the others
                expert_adj[fb.expert_id] = -math.inf
                continue
            if sim < cfg.feedback_min_similarity:
                continue
            sign = 1.0 if fb.accepted else -1.0
            delta = sign * cfg.feedback_weight * sim
            label = (
                None
                if fb.same_need  # its own judgement is shown as such, not as a similar need's
                else Reason(gettext_noop("相似需求中已被采纳"))
                if fb.accepted
                else Reason(gettext_noop("相似需求中被婉拒（{reason}）"), reason=fb.reason or "其他")
            )
            if fb.external_id is not None and fb.external_id in pos:
                i = pos[fb.external_id]
                adj[i] += delta
                if label is not None:
                    notes[i].append(label)
                if fb.expert_id is None:
                    for e in row_experts[i]:
                        expert_adj[e] += delta / 2
            if fb.expert_id is not None:
                expert_adj[fb.expert_id] += delta
            if fb.university_id:
                out.universities[fb.university_id] += delta
                if label is not None and label not in out.university_notes[fb.university_id]:
                    out.university_notes[fb.university_id].append(label)
        for i, experts in enumerate(row_experts):
            for e in experts:
                if e in expert_adj and expert_adj[e] and math.isfinite(expert_adj[e]):
                    adj[i] += expert_adj[e] / 2
        return out

    def _context_adjustment(
        self, rows: np.ndarray, context: SearchContext | None
    ) -> tuple[np.ndarray, dict[int, list[str]]]:
        adj = np.zeros(len(rows))
        notes: dict[int, list[str]] = defaultdict(list)
        if context is None:
            return adj, notes
        w = self.config.context_weight
        idx = self.index
        unis = idx.labels["university"].values
        codes = idx.label_codes("university", rows)
        home = {c for c, u in enumerate(unis) if u in context.home_university_ids}
        same_region = (
            {c for c, u in enumerate(unis) if context.university_regions.get(u) == context.region}
            if context.region
            else set()
        )
        for i in np.flatnonzero(np.isin(codes, list(home))):
            adj[i] += w
            notes[int(i)].append(Reason(gettext_noop("来自成员的后方单位")))
        for i in np.flatnonzero(np.isin(codes, list(same_region))):
            adj[i] += w
            notes[int(i)].append(Reason(gettext_noop("与企业同一地区")))
        if context.achievement_boosts:
            for i, row in enumerate(rows):
                b = context.achievement_boosts.get(idx.external_id(int(row)))
                if b:
                    adj[i] += b
        return adj, notes

    def _second_stage(
        self, q: _Query, rows: np.ndarray, final: np.ndarray, bm25: np.ndarray, label: np.ndarray
    ) -> np.ndarray:
        """Re-rank the ``rerank_depth`` best candidates (:mod:`rerank`, or the learned model of
        :mod:`learned` when one is configured); the others keep their order below them (they
        get the general-only penalty, as nothing is known of them)."""
        cfg = self.config
        idx = self.index
        top = np.argsort(-final, kind="stable")[: cfg.rerank_depth]
        out = final - cfg.rerank.general_only
        model = self.learned
        if model is not None:
            matrix = candidate_features(self, q, rows[top], final[top], bm25[top], label[top]).matrix
            out[top] = model.scores(matrix) / model.base_scale
        else:
            concepts = concepts_of(
                idx, [w for w in q.words if w not in q.plain_words], self.analyzer._subwords, q.plain
            )
            titles = [self.analyzer.normalize(idx.meta(int(r)).title) for r in rows[top]] if cfg.rerank.phrase else None
            feats = features(idx, concepts, rows[top], q.norm, titles, with_title=bool(cfg.rerank.title_coverage))
            out[top] = rerank_scores(final[top], feats, cfg.rerank)
        best = float(out.max())
        # back to the first stage's scale (the best candidate 1, plus label agreement), so that
        # feedback and context adjustments weigh what they weighed before
        return out * (float(final.max()) / best) if best > 0 else out

    # -- explanations --------------------------------------------------------------------------

    def _explain_rows(self, q: _Query, rows: np.ndarray) -> list[Explanation]:
        idx = self.index
        out = [Explanation() for _ in rows]
        if len(rows) == 0:
            return out
        rows = np.asarray(rows, dtype=np.int64)
        order = np.argsort(rows)
        srows = rows[order]

        def field_hits(terms: Iterable[str]) -> dict[str, list[list[str]]]:
            res: dict[str, list[list[str]]] = {}
            for t in terms:
                per = [[] for _ in rows]
                for f in WORD_FIELDS:
                    mask = idx.contains(f, t, srows)
                    for j in np.flatnonzero(mask):
                        per[order[j]].append(f)
                res[t] = per
            return res

        # single characters and general words never count as matched terms (lexicon)
        word_terms = sorted(
            (t for t in q.words if t not in q.plain_words and is_meaningful_term(t)),
            key=lambda t: -q.words[t] * idx.idf(t, "title"),
        )
        hits = field_hits(word_terms)
        for t in word_terms:
            for i, fields in enumerate(hits[t]):
                if fields:
                    out[i].matched_terms.append(TermMatch(t, fields))
        related = [t for t in q.expansion if t not in q.words and is_meaningful_term(t)]
        related += sorted(t for t in q.plain_words if t in q.words)
        rhits = field_hits(related)
        for t in related:
            for i, fields in enumerate(rhits[t]):
                if fields:
                    out[i].related_terms.append(TermMatch(t, fields))
        # drop sub-words already covered by a longer matched term ("传感" inside "传感器")
        for e in out:
            e.matched_terms = _drop_covered(e.matched_terms)
            e.related_terms = _drop_covered(e.related_terms)
        for i in range(len(rows)):
            if not out[i].matched_terms:
                frags = [
                    b
                    for b in q.bigrams
                    if b not in q.plain_words
                    and is_meaningful_term(b)
                    and idx.contains(BIGRAM_FIELD, b, rows[i : i + 1])[0]
                ]
                out[i].matched_fragments = frags[:10]
        if q.labels:
            tops = {s: _top_labels(d) for s, d in q.labels.items()}
            for i, row in enumerate(rows):
                m = idx.meta(int(row))
                for space, lab in (("category", m.category), ("discipline", m.discipline)):
                    if lab and lab in tops.get(space, ()):
                        out[i].shared_labels.append(LabelMatch(space, lab))
                for c in sorted({ipc_class(x) for x in m.ipc} - {""}):
                    if c in tops.get("ipc", ()):
                        out[i].shared_labels.append(LabelMatch("ipc", c))
        return out

    # -- search --------------------------------------------------------------------------------

    def first_stage(
        self, need: str, *, kinds: Iterable[str] | None = None
    ) -> tuple[_Query, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The first stage: the query, candidate rows (by BM25, best first), their score (BM25
        relative to the best plus label agreement), raw BM25 and label agreement."""
        cfg = self.config
        q = self._query(need)
        rows, base = self._candidates(q)
        if len(rows) and kinds is not None:
            wanted = [c for c, v in enumerate(self.index.labels["kind"].values) if v in set(kinds)]
            keep = np.isin(self.index.label_codes("kind", rows), wanted)
            rows, base = rows[keep], base[keep]
        if len(rows) == 0:
            return q, rows, base, base, base
        final = base / base[0] if base[0] > 0 else base.copy()
        label = np.zeros(len(rows))
        if cfg.label_weight > 0 and q.labels:
            label = self._label_agreement(q, rows)
            final = final + cfg.label_weight * label
        return q, rows, final, base, label

    def rank_rows(
        self,
        need: str,
        *,
        feedback: Sequence[Feedback] = (),
        context: SearchContext | None = None,
        kinds: Iterable[str] | None = None,
    ) -> tuple[_Query, np.ndarray, np.ndarray, dict[int, list[str]], _Adjustments]:
        """Candidate rows and final scores, best first (the building block of :meth:`search`)."""
        cfg = self.config
        q, rows, final, base, label = self.first_stage(need, kinds=kinds)
        if len(rows) == 0:
            return q, rows, final, {}, _Adjustments(np.zeros(0))
        if cfg.rerank_depth > 0:
            final = self._second_stage(q, rows, final, base, label)
        notes: dict[int, list[str]] = defaultdict(list)
        fb = self._feedback_adjustment(q, rows, feedback)
        cadj, cnotes = self._context_adjustment(rows, context)
        final = final + fb.rows + cadj
        for d in (fb.notes, cnotes):
            for i, v in d.items():
                notes[i].extend(v)
        order = np.lexsort((rows, -final))
        remap = {int(old): new for new, old in enumerate(order)}
        notes = {remap[i]: v for i, v in notes.items()}
        return q, rows[order], final[order], notes, fb

    def search(
        self,
        need: str,
        *,
        target: str = "achievements",
        k: int = 10,
        feedback: Sequence[Feedback] = (),
        context: SearchContext | None = None,
        kinds: Iterable[str] | None = None,
        explain: bool = True,
    ) -> list[Hit]:
        """Ranked hits for one need.  ``target``: achievements | experts | universities."""
        if k <= 0 and target in TARGETS:
            return []
        return self.search_ranked(
            need, target=target, k=k, feedback=feedback, context=context, kinds=kinds, explain=explain
        )[0]

    def search_ranked(
        self,
        need: str,
        *,
        target: str = "achievements",
        k: int = 10,
        feedback: Sequence[Feedback] = (),
        context: SearchContext | None = None,
        kinds: Iterable[str] | None = None,
        explain: bool = True,
    ) -> tuple[list[Hit], tuple[np.ndarray, np.ndarray]]:
        """:meth:`search`, and the ranked candidate rows and their scores it was made from (for
        ``routing.route(..., ranked=…)``, which then need not rank the need again)."""
        if target not in TARGETS:
            raise ValueError(f"target must be one of {TARGETS}, not {target!r}")
        q, rows, scores, notes, fb = self.rank_rows(need, feedback=feedback, context=context, kinds=kinds)
        if k <= 0:
            return [], (rows, scores)
        if target == "achievements":
            return self._achievement_hits(q, rows[:k], scores[:k], notes, explain), (rows, scores)
        experts = self._rank_experts(rows, scores, fb.experts, context)
        if target == "experts":
            return self._expert_hits(q, rows, experts[:k], notes, explain), (rows, scores)
        return self._university_hits(q, rows, scores, experts, notes, k, explain, context, fb), (rows, scores)

    def search_many(
        self,
        needs: Iterable[tuple[str, str]],
        *,
        target: str = "achievements",
        k: int = 50,
        explain: bool = False,
        **kw,
    ) -> Iterator[tuple[str, list[Hit]]]:
        """Batch matching: yields ``(qid, hits)`` for ``(qid, need)`` pairs."""
        for qid, need in needs:
            yield qid, self.search(need, target=target, k=k, explain=explain, **kw)

    def assess(
        self,
        need: str,
        *,
        k: int = 3,
        feedback: Sequence[Feedback] = (),
        context: SearchContext | None = None,
    ) -> Assessment:
        """How well the pool answers ``need``: the best evidence among its top ``k``
        achievements (see :class:`Assessment`)."""
        q, rows, scores, _notes, fb = self.rank_rows(need, feedback=feedback, context=context)
        if len(rows) == 0 or not q.words:
            return Assessment()
        idx = self.index
        log_n = math.log(max(idx.n_rows, 2))
        best = Assessment()
        for row in rows[:k]:
            one = np.asarray([row], dtype=np.int64)
            present = [
                TermMatch(t, [])
                for t in q.words
                if t not in q.plain_words
                and is_meaningful_term(t)
                and any(idx.contains(f, t, one)[0] for f in WORD_FIELDS)
            ]
            terms = [m.term for m in _drop_covered(present)]
            specificity = {t: min(1.0, math.log(1.0 / max(idx.word_doc_share(t), 1e-12)) / log_n) for t in terms}
            evidence = sum(specificity.values())
            if evidence > best.evidence or not best.external_id:
                meta = idx.meta(int(row))
                terms.sort(key=lambda t: -specificity[t])
                best = Assessment(round(evidence, 3), terms, meta.external_id, meta.title)
        experts = self._rank_experts(rows, scores, fb.experts, context)
        if experts:
            best.expert_id = experts[0][0]
        return best

    def _achievement_hits(self, q, rows, scores, notes, explain) -> list[Hit]:
        expl = self._explain_rows(q, rows) if explain else [Explanation() for _ in rows]
        hits = []
        for i, (row, s) in enumerate(zip(rows, scores, strict=True)):
            m = self.index.meta(int(row))
            e = expl[i]
            e.signals.extend(notes.get(i, []))
            hits.append(Hit(m.external_id, m.kind, i + 1, float(s), m.title, m.university_id, e))
        return hits

    def _rank_experts(self, rows, scores, expert_adj, context) -> list[tuple[str, float, list[int]]]:
        """Balog's document-centric model: an expert's score is the sum of the scores of their
        ``expert_docs`` best candidate documents (plus feedback and context adjustments).
        Returns (expert id, score, positions of the contributing candidates)."""
        per: dict[str, list[int]] = defaultdict(list)
        for i, experts in enumerate(self.index.experts_of_rows(rows)):
            for e in experts:
                if len(per[e]) < self.config.expert_docs:
                    per[e].append(i)  # candidates are sorted, so the first ones are the best
        out = []
        unreachable = {e for e, v in expert_adj.items() if v == -math.inf}
        for e, pos in per.items():
            s = float(sum(max(scores[i], 0.0) for i in pos))
            if e not in unreachable:
                s += expert_adj.get(e, 0.0)
            if context is not None:
                s += context.expert_boosts.get(e, 0.0)
            out.append((e, s, pos))
        # experts reported unreachable (联系不上) come after all the others
        out.sort(key=lambda x: (x[0] in unreachable, -x[1], x[0]))
        return out

    def _refs(self, rows, positions: list[int], expl: dict[int, Explanation]) -> list[AchievementRef]:
        refs = []
        for i in positions:
            m = self.index.meta(int(rows[i]))
            refs.append(AchievementRef(m.external_id, m.title, [t.term for t in expl[i].matched_terms]))
        return refs

    def _merge(self, positions: list[int], expl: dict[int, Explanation]) -> Explanation:
        """An explanation for a group of documents (an expert's, a university's)."""
        e = Explanation()
        seen_terms: dict[str, TermMatch] = {}
        for i in positions:
            for tm in expl[i].matched_terms:
                if tm.term in seen_terms:
                    seen_terms[tm.term].fields = sorted(
                        set(seen_terms[tm.term].fields) | set(tm.fields), key=FIELDS_ORDER.index
                    )
                else:
                    seen_terms[tm.term] = TermMatch(tm.term, list(tm.fields))
            for tm in expl[i].related_terms:
                if tm.term not in {r.term for r in e.related_terms}:
                    e.related_terms.append(TermMatch(tm.term, list(tm.fields)))
            for lab in expl[i].shared_labels:
                if (lab.space, lab.label) not in {(x.space, x.label) for x in e.shared_labels}:
                    e.shared_labels.append(lab)
            for sig in expl[i].signals:
                if sig not in e.signals:
                    e.signals.append(sig)
        e.matched_terms = _drop_covered(list(seen_terms.values()))
        return e

    def _explain_positions(self, q, rows, positions: set[int], notes, explain: bool) -> dict[int, Explanation]:
        positions = sorted(positions)
        ex = self._explain_rows(q, rows[positions]) if explain else [Explanation() for _ in positions]
        out = dict(zip(positions, ex, strict=True))
        for i in positions:
            out[i].signals.extend(notes.get(i, []))
        return out

    def _expert_hits(self, q, rows, experts, notes, explain) -> list[Hit]:
        expl = self._explain_positions(q, rows, {i for _, _, pos in experts for i in pos}, notes, explain)
        hits = []
        for rank, (e, s, pos) in enumerate(experts, start=1):
            ex = self._merge(pos, expl) if explain else Explanation()
            if explain:
                ex.achievements = self._refs(rows, pos, expl)
            uni = next((u for u in (self.index.university_of(int(rows[i])) for i in pos) if u), "")
            hits.append(Hit(e, "expert", rank, s, "", uni, ex))
        return hits

    def _university_hits(self, q, rows, scores, experts, notes, k, explain, context, fb: _Adjustments) -> list[Hit]:
        """A university's score is the sum of its ``university_experts`` best experts (or of
        its best documents for achievements without experts), plus feedback on the university
        for similar needs, scaled by the best university's score so that a judgement on a
        near-identical need moves it by about the whole range."""
        cfg = self.config
        members: dict[str, list[tuple[float, str | None, list[int]]]] = defaultdict(list)
        for e, s, pos in experts:
            uni = next((u for u in (self.index.university_of(int(rows[i])) for i in pos) if u), "")
            if uni and len(members[uni]) < cfg.university_experts:
                members[uni].append((s, e, pos))
        expert_rows = {i for _, _, pos in experts for i in pos}
        for i, row in enumerate(rows):
            if i in expert_rows:
                continue
            uni = self.index.university_of(int(row))
            if uni and len(members[uni]) < cfg.university_experts and not self.index.experts_of_rows([row])[0]:
                members[uni].append((float(max(scores[i], 0.0)), None, [i]))
        base = {u: sum(x[0] for x in lst) for u, lst in members.items() if lst}
        scale = max(base.values(), default=0.0)
        ranked = sorted(
            ((u, s + fb.universities.get(u, 0.0) * scale, members[u]) for u, s in base.items()),
            key=lambda x: (-x[1], x[0]),
        )[:k]
        expl = self._explain_positions(
            q, rows, {i for _, _, lst in ranked for x in lst for i in x[2][:1]}, notes, explain
        )
        hits = []
        for rank, (u, s, lst) in enumerate(ranked, start=1):
            firsts = [x[2][0] for x in lst]
            ex = self._merge(firsts, expl) if explain else Explanation()
            ex.experts = [x[1] for x in lst if x[1]]  # cheap, and the member signal counts them
            if explain:
                ex.achievements = self._refs(rows, firsts, expl)
                if context is not None and u in context.home_university_ids and "成员的后方单位" not in ex.signals:
                    ex.signals.append(Reason(gettext_noop("成员的后方单位")))
                ex.signals.extend(n for n in fb.university_notes.get(u, ()) if n not in ex.signals)
            hits.append(Hit(u, "university", rank, s, "", u, ex))
        return hits


def _top_labels(dist: Mapping[str, float], n: int = 3, min_rel: float = 0.5) -> set[str]:
    """The need's most probable labels: at most ``n``, each at least ``min_rel`` of the best."""
    if not dist:
        return set()
    best = max(dist.values())
    return {lab for lab, p in sorted(dist.items(), key=lambda kv: -kv[1])[:n] if p >= min_rel * best}


def _drop_covered(matches: list[TermMatch]) -> list[TermMatch]:
    terms = [m.term for m in matches]
    return [m for m in matches if not any(m.term != o and m.term in o for o in terms)]


def with_config(matcher: Matcher, **changes) -> Matcher:
    """A matcher sharing the index and classifier with other ranking parameters."""
    return Matcher(matcher.index, matcher.classifier, replace(matcher.config, **changes))

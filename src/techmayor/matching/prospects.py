"""The reverse direction: from a research result to the enterprises most likely to want it.

The forward engine (:mod:`.ranker`) reads a need and ranks achievements. Here an achievement (or a
handful, for a 成果推介 event) is the query and the enterprises are the documents, each profiled by
what the platform knows of it:

* its **needs** and the **leads** it raised (title and text, as the enterprise said them),
* what was discussed on **visits** (the visit's notes),
* its **industry** (GB/T 4754: the class's name), and
* its **tags** (高新技术企业, 专精特新 …: capacity to take a result up; they only strengthen an
  enterprise that matched on content, never rank one on their own),
* and, for an enterprise that said nothing yet, its **industry peers**: enterprises of the same
  GB/T 4754 class whose needs matched.

Scoring is plain and checkable: a term shared by the result and a source weighs its IDF over the
enterprises' sources (rare words say more), times the term's weight in the result (title and
keywords above the abstract); a source counts only when it shares two terms, or one term of three
characters or more. Single characters, general words (:data:`GENERAL_WORDS`) and the analyser's
stop words and enterprise boilerplate never count and never appear as a reason; a word that is
common in the research corpus (in more than 15 % of it, ``specificity`` below 0.85) does not
either. Each prospect carries the evidence that placed it: which need, lead or visit, which words,
which industry.

No Django here: the caller builds the :class:`EnterpriseProfile` list (``library.prospects``).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .analysis import STOPWORDS, Analyzer, _words

# Words too general to say why a result fits an enterprise (on top of the analyser's stop words
# and enterprise boilerplate): they occur in every field's texts.
GENERAL_WORDS: frozenset[str] = _words(
    "材料 方法 优化 提高 提升 改进 改善 降低 增加 减少 实现 研制 设计 制备 制造 生产 加工 工艺 技术 系统",
    "装置 设备 产品 应用 性能 质量 效果 效率 成本 能力 水平 过程 方案 模型 结构 参数 条件 因素 影响 作用",
    "机理 原理 特性 特征 规律 分析 测试 检测 实验 试验 评价 控制 管理 服务 建设 发展 创新 开发 研究 领域",
    "行业 企业 公司 市场 项目 工程 基础 关键 新型 高效 智能 先进 综合 一体化 新 高 低 大 小 多 好 快",
)

SOURCE_WEIGHTS = {"need": 1.0, "lead": 0.9, "visit": 0.7}
TITLE_WEIGHT = 1.5  # a term of the result's title or keywords, against 1.0 in its abstract
INDUSTRY_WEIGHT = 0.6  # the industry class's name, relative to a need
PEER_WEIGHT = 0.35  # an enterprise with no own evidence, from its industry peers' best score
TAG_BOOST = 0.1  # per capacity tag, on an enterprise that matched on content
TAG_KINDS = ("high_tech", "srdi")  # the tags that say an enterprise can take a result up
MIN_SPECIFICITY = 0.85  # a word in more than 15 % of the research corpus says little about a fit
MAX_TERMS = 60  # the result's terms kept, by weight (a long abstract stays fast)
SECONDARY = 0.3  # weight of an enterprise's other matching sources after its best one
_LATIN = re.compile(r"^[a-z0-9+\-.]+$")


def meaningful(term: str) -> bool:
    """Whether ``term`` may count as a shared word (and be shown as one): two characters or more
    (a Latin token three or more), not a stop word, not a general word, not a number."""
    if term in STOPWORDS or term in GENERAL_WORDS:
        return False
    if _LATIN.match(term):
        return len(term) >= 3 and not term.replace(".", "").isdigit()
    return len(term) >= 2


def outermost(terms: Iterable[str]) -> list[str]:
    """The terms not inside another of them: 容量衰减 stands for its sub-words 容量 and 衰减 (the
    analyser's search mode yields both), so a phrase counts once and reads once."""
    terms = list(dict.fromkeys(terms))
    return [t for t in terms if not any(t != o and t in o for o in terms)]


def strong(terms: Sequence[str]) -> bool:
    """Enough to count a source: two shared words, or one of three characters or more."""
    return len(terms) >= 2 or any(len(t) >= 3 for t in terms)


@dataclass(frozen=True)
class Source:
    """One thing the enterprise said or was told: a need, a lead or a visit's notes."""

    kind: str  # need | lead | visit
    ref: str  # the record's id (for a link)
    label: str  # the need's or lead's title, the visit's date
    text: str


@dataclass
class EnterpriseProfile:
    id: str
    name: str
    industry_code: str = ""
    industry_name: str = ""
    tags: tuple[str, ...] = ()  # tag kinds
    sources: Sequence[Source] = ()


@dataclass(frozen=True)
class ResultText:
    """What a result says: its title and keywords weigh more than its abstract."""

    id: str
    title: str
    keywords: Sequence[str] = ()
    abstract: str = ""


@dataclass
class Evidence:
    """Why an enterprise is on the list: a source (or its industry, or its peers) and the words shared."""

    kind: str  # need | lead | visit | industry | peers | tags
    ref: str = ""
    label: str = ""
    terms: list[str] = field(default_factory=list)
    score: float = 0.0
    result_id: str = ""  # which result it is evidence for (a planner ranks for several)
    count: int = 0  # peers: how many enterprises of the industry matched


@dataclass
class Prospect:
    id: str
    name: str
    score: float = 0.0
    evidence: list[Evidence] = field(default_factory=list)
    results: list[str] = field(default_factory=list)  # the results it was found for, best first

    @property
    def terms(self) -> list[str]:
        seen: dict[str, None] = {}
        for e in self.evidence:
            for t in e.terms:
                seen.setdefault(t, None)
        return list(seen)


class ProspectPool:
    """The enterprises' profiles analysed once: term sets per source, an inverted index and IDF.

    ``specificity(term)``: how specific a word is in the research corpus (1 − the share of
    achievements containing it, from the matching index); words below :data:`MIN_SPECIFICITY`
    never count. Without it every meaningful word may count.
    """

    def __init__(
        self,
        analyzer: Analyzer,
        profiles: Iterable[EnterpriseProfile],
        *,
        specificity: Callable[[str], float] | None = None,
    ) -> None:
        self.analyzer = analyzer
        self.specificity = specificity
        self.profiles: list[EnterpriseProfile] = list(profiles)
        self.by_id = {p.id: i for i, p in enumerate(self.profiles)}
        self.source_terms: list[list[frozenset[str]]] = []
        self.postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self.industry_terms: dict[str, frozenset[str]] = {}
        self.industry_members: dict[str, list[int]] = defaultdict(list)
        df: dict[str, int] = defaultdict(int)
        n = 0
        for pi, p in enumerate(self.profiles):
            per_source = []
            for si, s in enumerate(p.sources):
                terms = frozenset(t for t in analyzer.words(f"{s.label}。{s.text}", query=True) if meaningful(t))
                per_source.append(terms)
                for t in terms:
                    self.postings[t].append((pi, si))
                    df[t] += 1
                n += 1
            self.source_terms.append(per_source)
            if p.industry_code:
                self.industry_members[p.industry_code].append(pi)
                if p.industry_code not in self.industry_terms:
                    words = analyzer.words(p.industry_name)
                    self.industry_terms[p.industry_code] = frozenset(t for t in words if meaningful(t))
        self.n_sources = n
        self.df = dict(df)
        self._idf: dict[str, float] = {}
        capacity = {pi: sum(1 for t in p.tags if t in TAG_KINDS) for pi, p in enumerate(self.profiles)}
        self.class_order = {
            code: sorted(members, key=lambda pi: (-capacity[pi], self.profiles[pi].name, self.profiles[pi].id))
            for code, members in self.industry_members.items()
        }

    def __len__(self) -> int:
        return len(self.profiles)

    def idf(self, term: str) -> float:
        value = self._idf.get(term)
        if value is None:
            df = self.df.get(term, 0)
            value = self._idf[term] = math.log1p((self.n_sources - df + 0.5) / (df + 0.5))
        return value

    def result_terms(self, result: ResultText) -> dict[str, float]:
        """The result's words that may count, each with its weight (title/keywords above abstract)."""
        weights: dict[str, float] = {}
        head = " ".join([result.title, *result.keywords])
        for text, w in ((result.abstract, 1.0), (head, TITLE_WEIGHT)):
            for t in self.analyzer.words(text):
                if meaningful(t) and (self.specificity is None or self.specificity(t) >= MIN_SPECIFICITY):
                    weights[t] = max(weights.get(t, 0.0), w)
        if len(weights) > MAX_TERMS:
            ranked = sorted(weights, key=lambda t: (-weights[t] * self.idf(t), t))[:MAX_TERMS]
            weights = {t: weights[t] for t in ranked}
        return weights

    def rank(
        self,
        result: ResultText,
        *,
        k: int = 20,
        allowed: set[str] | None = None,
        excluded: Mapping[str, object] | None = None,
        visible: Callable[[str, set[str]], set[str]] | None = None,
    ) -> list[Prospect]:
        """The ``k`` enterprises most likely to want ``result``, best first, each with its evidence.

        ``allowed``: the enterprise ids the caller may show (others are not ranked); ``excluded``:
        enterprises to leave out (e.g. one whose need declined this result as 不对口);
        ``visible(kind, refs)``: which of these needs / leads / visits the reader may see (the
        others are not used: what an enterprise told another group stays there)."""
        weights = self.result_terms(result)
        if not weights:
            return []
        shared: dict[tuple[int, int], list[str]] = defaultdict(list)
        for t in weights:
            for key in self.postings.get(t, ()):
                shared[key].append(t)
        candidates = {key: kept for key, terms in shared.items() if strong(kept := outermost(terms))}
        if allowed is not None:
            candidates = {key: t for key, t in candidates.items() if self.profiles[key[0]].id in allowed}
        if visible is not None:
            refs: dict[str, set[str]] = defaultdict(set)
            for pi, si in candidates:
                source = self.profiles[pi].sources[si]
                refs[source.kind].add(source.ref)
            seen = {kind: visible(kind, ids) for kind, ids in refs.items()}
            candidates = {
                (pi, si): t
                for (pi, si), t in candidates.items()
                if self.profiles[pi].sources[si].ref in seen[self.profiles[pi].sources[si].kind]
            }
        per_enterprise: dict[int, list[Evidence]] = defaultdict(list)
        for (pi, si), terms in candidates.items():
            source = self.profiles[pi].sources[si]
            terms.sort(key=lambda t: (-weights[t] * self.idf(t), t))
            score = SOURCE_WEIGHTS.get(source.kind, 0.5) * sum(weights[t] * self.idf(t) for t in terms)
            per_enterprise[pi].append(
                Evidence(source.kind, source.ref, source.label, terms[:6], score, result_id=result.id)
            )
        prospects: dict[int, Prospect] = {}
        for pi, evidence in per_enterprise.items():
            evidence.sort(key=lambda e: -e.score)
            score = evidence[0].score + SECONDARY * sum(e.score for e in evidence[1:])
            prospects[pi] = Prospect(self.profiles[pi].id, self.profiles[pi].name, score, evidence[:3])
        self._classes(weights, result, prospects, k=k, allowed=allowed, excluded=excluded)
        for pi, prospect in prospects.items():
            tags = [t for t in self.profiles[pi].tags if t in TAG_KINDS]
            if tags and prospect.score > 0:
                prospect.score *= 1 + TAG_BOOST * len(tags)
                prospect.evidence.append(Evidence("tags", terms=tags, result_id=result.id))
            prospect.results = [result.id]
        out = [
            p
            for p in prospects.values()
            if (allowed is None or p.id in allowed) and not (excluded and p.id in excluded)
        ]
        out.sort(key=lambda p: (-p.score, p.name, p.id))
        return out[:k]

    def _classes(
        self,
        weights: Mapping[str, float],
        result: ResultText,
        prospects: dict[int, Prospect],
        *,
        k: int,
        allowed: set[str] | None,
        excluded: Mapping[str, object] | None,
    ) -> None:
        """Industry evidence: a class whose name shares words with the result, and a class where
        enterprises matched by what they said (their silent peers). Enterprises of a class with
        no evidence of their own all score alike but for their capacity tags, so only the first
        ``k`` of them (by tags, name) that the caller may see can reach the top ``k``: the others
        are not scored, which keeps a ranking fast in large classes."""
        spoken = set(prospects)
        named: dict[str, tuple[float, list[str]]] = {}
        for code, terms in self.industry_terms.items():
            common = sorted(outermost(t for t in terms if t in weights), key=lambda t: (-weights[t] * self.idf(t), t))
            if common:
                named[code] = (INDUSTRY_WEIGHT * sum(weights[t] * self.idf(t) for t in common), common[:4])
        peers: dict[str, list[float]] = defaultdict(list)
        for pi in spoken:
            code = self.profiles[pi].industry_code
            if code:
                peers[code].append(prospects[pi].score)
                if code in named:
                    score, common = named[code]
                    prospects[pi].score += score
                    prospects[pi].evidence.append(
                        Evidence("industry", code, self._class_label(pi), common, score, result_id=result.id)
                    )
        visible_scores = sorted(
            (p.score for p in prospects.values() if allowed is None or p.id in allowed), reverse=True
        )
        kth = visible_scores[k - 1] if len(visible_scores) >= k else 0.0  # a lower bound of the final k-th
        best_boost = 1 + TAG_BOOST * len(TAG_KINDS)
        for code in set(named) | set(peers):
            ceiling = (named[code][0] if code in named else 0.0) + (
                PEER_WEIGHT * max(peers[code]) if code in peers else 0.0
            )
            if ceiling * best_boost < kth:
                continue  # no silent member of this class can reach the top k
            taken = 0
            for pi in self.class_order[code]:
                p = self.profiles[pi]
                if pi in spoken or (allowed is not None and p.id not in allowed) or (excluded and p.id in excluded):
                    continue
                prospect = prospects[pi] = Prospect(p.id, p.name)
                if code in named:
                    score, common = named[code]
                    prospect.score += score
                    prospect.evidence.append(
                        Evidence("industry", code, self._class_label(pi), common, score, result_id=result.id)
                    )
                if code in peers:
                    score = PEER_WEIGHT * max(peers[code])
                    prospect.score += score
                    prospect.evidence.append(
                        Evidence(
                            "peers", code, self._class_label(pi), [], score, result_id=result.id, count=len(peers[code])
                        )
                    )
                taken += 1
                if taken >= k:
                    break

    def _class_label(self, pi: int) -> str:
        p = self.profiles[pi]
        return f"{p.industry_code} {p.industry_name}"

    def rank_many(
        self,
        results: Sequence[ResultText],
        *,
        k: int = 50,
        allowed: set[str] | None = None,
        excluded: Mapping[str, Mapping[str, object]] | None = None,
        visible: Callable[[str, set[str]], set[str]] | None = None,
    ) -> list[Prospect]:
        """Enterprises for a set of results (a 成果推介 event): an enterprise's score is the sum of
        its scores for each result; its evidence names the result each piece is for."""
        merged: dict[str, Prospect] = {}
        for result in results:
            skip = (excluded or {}).get(result.id)
            for p in self.rank(result, k=max(k * 2, 50), allowed=allowed, excluded=skip, visible=visible):
                into = merged.setdefault(p.id, Prospect(p.id, p.name))
                into.score += p.score
                into.evidence.extend(p.evidence)
                into.results.append(result.id)
        for p in merged.values():
            p.evidence.sort(key=lambda e: -e.score)
        out = list(merged.values())
        out.sort(key=lambda p: (-p.score, p.name, p.id))
        return out[:k]

"""Which members should own a need: up to three current members, each with reasons.

A member is not in the resource pool, so the engine judges them by four checkable signals:

* **expertise** — the need's terms found in the member's 专业特长 (cosine of IDF-weighted term
  vectors, the same measure the feedback signal uses);
* **experience** — the most similar need the member has owned before;
* **home unit** ("后方单位") — where the member's university ranks among the universities the
  engine matched to this need (``university_hits``, from :meth:`Matcher.search`), and how many
  of its experts matched;
* **district** — the member's group serves the need's district;
* **discipline** — the discipline the label classifier reads in the member's 专业特长 is one of
  the need's top three (``disciplines``, from :func:`routing.route`): discipline routing;

minus a **load** penalty for the open needs they already own.  Members with no positive signal
are never recommended: no match is better than an invented one.  No Django imports here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .lexicon import is_meaningful_term
from .ranker import Hit, Matcher, cosine, log_tf
from .words import Reason, gettext_noop


@dataclass(frozen=True)
class MemberProfile:
    """What the engine knows of one current member (ids are the caller's)."""

    id: str
    name: str
    university_id: str = ""  # the home unit's 学校标识码 when it is a university
    unit: str = ""  # the home unit's name, for the reasons
    district: str = ""  # the district the member's group serves
    expertise: str = ""  # 专业特长
    past_needs: Sequence[tuple[str, str]] = ()  # (title, text) of needs the member has owned
    load: int = 0  # open needs the member owns now


@dataclass(frozen=True)
class MemberWeights:
    # a long need against a short 专业特长 reaches a cosine of 0.2–0.4 on a clear match, so
    # the text signals weigh double: a clear expertise match outranks a mere same district
    expertise: float = 2.0  # × cosine similarity in [0, 1]
    experience: float = 1.5  # × cosine similarity of the most similar past need
    min_similarity: float = 0.1  # below this a similarity is noise, not a reason
    unit: float = 0.6  # × 1/√rank of the home unit among the matched universities
    unit_ranks: int = 10  # only the top universities count
    district: float = 0.2
    discipline: float = 0.3  # the need's first discipline; half for its second or third
    load: float = 0.05  # per open need …
    max_load_penalty: float = 0.3  # … up to this


@dataclass
class MemberHit:
    id: str
    name: str
    rank: int
    score: float
    reasons: list[str] = field(default_factory=list)
    load: int = 0


def recommend_members(
    matcher: Matcher,
    need: str,
    members: Iterable[MemberProfile],
    *,
    district: str = "",
    university_hits: Sequence[Hit] = (),
    disciplines: Sequence[str] = (),
    k: int = 3,
    weights: MemberWeights | None = None,
    cache: dict | None = None,
) -> list[MemberHit]:
    """Up to ``k`` members for ``need``, best first, each with the reasons behind the score.

    ``district``: the need's district; ``university_hits``: the universities matched to the need
    (their rank is the home-unit signal; their explanation's ``experts`` the count named);
    ``disciplines``: the need's top disciplines, best first (the discipline signal); ``cache``: a
    dict kept between calls over the same members (what is read from their texts, computed once)."""
    w = weights or MemberWeights()
    if k <= 0:
        return []
    memo = cache if cache is not None else {}

    def vector_of(text: str) -> dict[str, float]:
        if ("vector", text) not in memo:
            memo["vector", text] = _vector(matcher, text)
        return memo["vector", text]

    def discipline_of(text: str) -> str:
        if ("discipline", text) not in memo:
            memo["discipline", text] = _discipline(matcher, text)
        return memo["discipline", text]

    vector = _vector(matcher, need)
    uni_rank = {h.id: (h.rank, len(h.explanation.experts)) for h in university_hits[: w.unit_ranks] if h.id}
    scored: list[MemberHit] = []
    for m in members:
        score = 0.0
        reasons: list[str] = []
        if vector and m.expertise:
            mvec = vector_of(m.expertise)
            sim = cosine(vector, mvec)
            if sim >= w.min_similarity:
                score += w.expertise * sim
                shared = _shared_terms(vector, mvec)
                reasons.append(
                    Reason(gettext_noop("专业特长相关：{terms}"), terms="、".join(shared[:5]))
                    if shared
                    else Reason(gettext_noop("专业特长相关"))
                )
        if vector and m.past_needs:
            best_sim, best_title = 0.0, ""
            for title, text in m.past_needs:
                sim = cosine(vector, vector_of(text))
                if sim > best_sim:
                    best_sim, best_title = sim, title
            if best_sim >= w.min_similarity:
                score += w.experience * best_sim
                reasons.append(Reason(gettext_noop("负责过相似需求「{title}」"), title=best_title))
        if m.university_id and m.university_id in uni_rank:
            rank, n_experts = uni_rank[m.university_id]
            score += w.unit / math.sqrt(rank)
            reasons.append(
                Reason(
                    gettext_noop("后方单位{unit}在匹配高校中排第 {rank} 位，{n} 位专家相关"),
                    unit=m.unit,
                    rank=rank,
                    n=n_experts,
                )
                if n_experts
                else Reason(gettext_noop("后方单位{unit}在匹配高校中排第 {rank} 位"), unit=m.unit, rank=rank)
            )
        field_of = discipline_of(m.expertise) if disciplines and m.expertise else ""
        if field_of and field_of in disciplines[:3]:
            score += w.discipline if field_of == disciplines[0] else w.discipline / 2
            reasons.append(Reason(gettext_noop("专业方向属于需求所属学科：{discipline}"), discipline=field_of))
        if district and m.district == district:
            score += w.district
            reasons.append(Reason(gettext_noop("所在支团服务{district}"), district=district))
        if score <= 0:
            continue
        penalty = min(w.load * m.load, w.max_load_penalty)
        score -= penalty
        reasons.append(
            Reason(gettext_noop("当前负责 {n} 项未办结需求"), n=m.load)
            if m.load
            else Reason(gettext_noop("当前没有未办结需求"))
        )
        scored.append(MemberHit(m.id, m.name, 0, round(score, 4), reasons, m.load))
    scored.sort(key=lambda h: (-h.score, h.load, h.name, h.id))
    for rank, hit in enumerate(scored[:k], start=1):
        hit.rank = rank
    return scored[:k]


def _discipline(matcher: Matcher, text: str) -> str:
    """The discipline the label classifier reads in ``text`` (a 专业特长), or ""."""
    if matcher.classifier is None:
        return ""
    dist = matcher.classifier.predict(text).get("discipline") or {}
    return max(dist, key=lambda lab: (dist[lab], lab)) if dist else ""


def _vector(matcher: Matcher, text: str) -> dict[str, float]:
    words = log_tf(matcher.analyzer.analyze(text, query=True).words)
    index = matcher.index
    return {t: w * index.idf(t, "title") for t, w in words.items()}


def _shared_terms(a: dict[str, float], b: dict[str, float]) -> list[str]:
    """Terms in both vectors, strongest first, sub-words of a longer shared term dropped."""
    shared = sorted((t for t in a if t in b and is_meaningful_term(t)), key=lambda t: -(a[t] * b[t]))
    return [t for t in shared if not any(t != o and t in o for o in shared)]

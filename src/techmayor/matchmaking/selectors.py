"""Reads for matching: the engine's answers for a need or a free-text search, with the
database rows (experts, universities, achievements) the hits refer to, and the feedback the
engine takes into account. Scope: the caller has already checked that the user may see the need
(``needs.selectors.need_detail``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from techmayor.matching.ranker import Feedback, Hit, Matcher
from techmayor.resources.models import Achievement, Expert, University

from .models import MatchFeedback, MatchTarget
from .services import matcher_get, need_text

FEEDBACK_LIMIT = 5000  # the most recent judgements the engine sees


def feedback_for_engine(*, limit: int = FEEDBACK_LIMIT) -> list[Feedback]:
    """Recent judgements as engine :class:`Feedback` (the latest per need and target wins).

    University judgements are kept for the record but the engine has no university signal.
    """
    rows = (
        MatchFeedback.objects.exclude(target=MatchTarget.UNIVERSITY)
        .select_related("need")
        .order_by("-at", "-id")[:limit]
    )
    seen: set[tuple] = set()
    out: list[Feedback] = []
    for fb in rows:
        key = (fb.need_id, fb.target, fb.external_id, fb.expert_id)
        if key in seen:
            continue
        seen.add(key)
        out.append(
            Feedback(
                need_text=need_text(fb.need.title, fb.need.description),
                accepted=fb.accepted,
                external_id=fb.external_id or None,
                expert_id=str(fb.expert_id) if fb.expert_id else None,
                reason=fb.reason,
            )
        )
    return out


@dataclass
class Row:
    """One hit with the database object it refers to (``obj`` may be None if it was deleted)."""

    hit: Hit
    obj: object = None
    judgement: MatchFeedback | None = None
    titles: list[str] = field(default_factory=list)  # the expert's / university's matching achievements

    @property
    def target_id(self) -> str:
        return self.hit.id


@dataclass
class MatchResults:
    available: bool
    experts: list[Row] = field(default_factory=list)
    achievements: list[Row] = field(default_factory=list)
    universities: list[Row] = field(default_factory=list)


def _attach(hits: list[Hit], target: str, judgements: dict[tuple[str, str], MatchFeedback]) -> list[Row]:
    if target == MatchTarget.EXPERT:
        ids = [int(h.id) for h in hits if h.id.isdigit()]
        objs = {str(e.pk): e for e in Expert.objects.filter(pk__in=ids).select_related("university")}
    elif target == MatchTarget.UNIVERSITY:
        objs = {u.code: u for u in University.objects.filter(code__in=[h.id for h in hits])}
    else:
        objs = {a.external_id: a for a in Achievement.objects.filter(external_id__in=[h.id for h in hits])}
    return [
        Row(
            hit=h,
            obj=objs.get(h.id),
            judgement=judgements.get((target, h.id)),
            titles=[a.title for a in h.explanation.achievements[:3]],
        )
        for h in hits
    ]


def need_matches(*, need, k: int = 5, matcher: Matcher | None = None) -> MatchResults:
    """Ranked, explained experts, achievements and universities for ``need`` (feedback applied),
    each with this need's latest judgement. ``available`` is False when no index is built."""
    matcher = matcher or matcher_get()
    if matcher is None:
        return MatchResults(available=False)
    text = need_text(need.title, need.description)
    feedback = feedback_for_engine()
    judgements: dict[tuple[str, str], MatchFeedback] = {}
    for fb in MatchFeedback.objects.filter(need=need).select_related("university").order_by("at", "id"):
        judgements[(fb.target, fb.target_key)] = fb
    results = MatchResults(available=True)
    for target, engine_target, attr in (
        (MatchTarget.EXPERT, "experts", "experts"),
        (MatchTarget.ACHIEVEMENT, "achievements", "achievements"),
        (MatchTarget.UNIVERSITY, "universities", "universities"),
    ):
        hits = matcher.search(text, target=engine_target, k=k, feedback=feedback)
        setattr(results, attr, _attach(hits, target, judgements))
    return results


def pool_search(*, q: str, k: int = 20, matcher: Matcher | None = None) -> MatchResults:
    """Free-text search over the resource pool (achievements and experts), explained."""
    matcher = matcher or matcher_get()
    if matcher is None:
        return MatchResults(available=False)
    results = MatchResults(available=True)
    if not q.strip():
        return results
    results.achievements = _attach(matcher.search(q, target="achievements", k=k), MatchTarget.ACHIEVEMENT, {})
    results.experts = _attach(matcher.search(q, target="experts", k=min(k, 10)), MatchTarget.EXPERT, {})
    return results

"""Results to enterprises, the Django side: the enterprises' profiles from the database, the pool
(``matching.prospects``) kept per process until something it reads changes, and the ranked,
scoped prospects for a result, an expert, a university or a 成果推介 plan.

What an enterprise said comes from its live needs (not merged away), its leads that did not
become a need, and its visits' notes; its industry and tags from its record. The pool is
rebuilt when any of those tables changes (a cheap stamp of counts and last changes, read on every
call), so a page never shows prospects from stale data; building it for ten thousand enterprises
and their texts takes a few seconds once, a ranking a few milliseconds.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Count, Max
from django.utils.translation import gettext, gettext_noop

from techmayor.enterprises.choices import EnterpriseTagKind
from techmayor.enterprises.models import Enterprise, EnterpriseTag
from techmayor.matching.prospects import EnterpriseProfile as Profile
from techmayor.matching.prospects import Evidence, ProspectPool, ResultText, Source
from techmayor.resources.models import Achievement

MAX_RESULTS = 40  # an expert's or university's results read for its page (newest first)

_lock = threading.Lock()
_pool: dict[str, object] = {}


def _stamp() -> tuple:
    from techmayor.ledger.models import Visit
    from techmayor.needs.models import Lead, Need

    parts = []
    for model in (Enterprise, EnterpriseTag, Need, Lead, Visit):
        manager = getattr(model, "all_objects", model.objects)
        parts.append(tuple(manager.aggregate(n=Count("pk"), last=Max("updated_at")).values()))
    return tuple(parts)


def _analyzer():
    from techmayor.matchmaking.services import matcher_get

    matcher = matcher_get()
    if matcher is not None:
        return matcher.analyzer, matcher.index.word_doc_share
    from techmayor.matching.analysis import Analyzer

    return Analyzer(), None


def _profiles() -> list[Profile]:
    from techmayor.ledger.models import Visit
    from techmayor.needs.models import Lead, Need

    sources: dict[int, list[Source]] = defaultdict(list)
    for pk, enterprise, title, text in (
        Need.objects.filter(merged_into__isnull=True)
        .order_by("pk")
        .values_list("pk", "enterprise", "title", "description")
    ):
        sources[enterprise].append(Source("need", str(pk), title, text))
    leads = Lead.objects.filter(enterprise__isnull=False).exclude(needs__isnull=False).order_by("pk")
    for pk, enterprise, title, text in leads.values_list("pk", "enterprise", "title", "raw_text"):
        sources[enterprise].append(Source("lead", str(pk), title, text))
    for pk, enterprise, date, note in (
        Visit.objects.exclude(note="").order_by("pk").values_list("pk", "enterprise", "date", "note")
    ):
        sources[enterprise].append(Source("visit", str(pk), date.isoformat(), note))
    tags: dict[int, list[str]] = defaultdict(list)
    for enterprise, kind in EnterpriseTag.objects.values_list("enterprise", "kind"):
        tags[enterprise].append(kind)
    rows = Enterprise.objects.order_by("pk").values_list("pk", "name", "industry__code", "industry__name")
    return [
        Profile(str(pk), name, code or "", industry or "", tuple(tags.get(pk, ())), sources.get(pk, ()))
        for pk, name, code, industry in rows
    ]


def prospect_pool() -> ProspectPool:
    """The process's pool, rebuilt when enterprises, tags, needs, leads or visits changed."""
    stamp = _stamp()
    analyzer, share = _analyzer()
    with _lock:
        current = _pool.get("pool")
        if current is not None and _pool.get("stamp") == stamp and _pool.get("analyzer") is analyzer:
            return current
    specificity = (lambda term: 1.0 - share(term)) if share is not None else None
    pool = ProspectPool(analyzer, _profiles(), specificity=specificity)
    with _lock:
        _pool.update(pool=pool, stamp=stamp, analyzer=analyzer)
    return pool


def pool_forget() -> None:
    with _lock:
        _pool.clear()


def result_text(a: Achievement) -> ResultText:
    return ResultText(str(a.pk), a.title, a.keywords or [], a.abstract)


# ---------------------------------------------------------------- scope


def _visible(user):
    from techmayor.ledger.selectors import visit_list
    from techmayor.needs.selectors import lead_visible, need_visible

    querysets = {"need": need_visible, "lead": lead_visible, "visit": lambda u: visit_list(user=u)}

    def visible(kind: str, refs: set[str]) -> set[str]:
        ids = [int(r) for r in refs]
        found: set[str] = set()
        for i in range(0, len(ids), 5000):
            qs = querysets[kind](user).filter(pk__in=ids[i : i + 5000])
            found.update(str(pk) for pk in qs.values_list("pk", flat=True))
        return found

    return visible


def _allowed(user) -> set[str]:
    from techmayor.enterprises.selectors import enterprise_list

    return {str(pk) for pk in enterprise_list(user=user).values_list("pk", flat=True)}


def _declined(achievements: Sequence[Achievement]) -> dict[str, dict[str, object]]:
    """Per result, the enterprises one of whose needs declined it as not relevant (不对口)."""
    from techmayor.matchmaking.models import DeclineReason, MatchFeedback, MatchTarget

    by_external = {a.external_id: str(a.pk) for a in achievements}
    out: dict[str, dict[str, object]] = defaultdict(dict)
    latest: dict[tuple[int, str], bool] = {}
    rows = MatchFeedback.objects.filter(target=MatchTarget.ACHIEVEMENT, external_id__in=list(by_external))
    for need, ext, accepted, reason, enterprise in rows.order_by("at", "id").values_list(
        "need", "external_id", "accepted", "reason", "need__enterprise"
    ):
        latest[(need, ext)] = (not accepted and reason == DeclineReason.MISMATCH, enterprise)
    for (_, ext), (declined, enterprise) in latest.items():
        if declined:
            out[by_external[ext]][str(enterprise)] = True
    return out


# ---------------------------------------------------------------- what the pages show


@dataclass
class ProspectRow:
    enterprise: Enterprise
    score: float
    evidence: list[Evidence]
    results: list[Achievement] = field(default_factory=list)
    contact: object = None


def prospects_for(
    *, user, achievements: Sequence[Achievement], k: int = 10, only: set[str] | None = None
) -> list[ProspectRow]:
    """The enterprises the user may see that are most likely to want these results, with evidence
    (with ``only``: among those enterprise ids)."""
    achievements = list(achievements)
    if not achievements:
        return []
    pool = prospect_pool()
    texts = [result_text(a) for a in achievements]
    allowed = _allowed(user) if only is None else _allowed(user) & only
    ranked = pool.rank_many(texts, k=k, allowed=allowed, excluded=_declined(achievements), visible=_visible(user))
    enterprises = Enterprise.objects.select_related("region", "industry").prefetch_related("contacts", "tags")
    objs = {str(e.pk): e for e in enterprises.filter(pk__in=[int(p.id) for p in ranked])}
    by_id = {str(a.pk): a for a in achievements}
    rows = []
    for p in ranked:
        if p.id not in objs:
            continue
        evidence = [e for e in p.evidence if e.kind != "tags"][:4] + [e for e in p.evidence if e.kind == "tags"][:1]
        for e in evidence:
            if e.kind == "tags":
                e.tag_labels = [EnterpriseTagKind(t).label for t in e.terms if t in EnterpriseTagKind.values]
        contacts = list(objs[p.id].contacts.all())
        rows.append(
            ProspectRow(
                enterprise=objs[p.id],
                score=p.score,
                evidence=evidence,
                results=[by_id[r] for r in p.results if r in by_id],
                contact=contacts[0] if contacts else None,
            )
        )
    return rows


def invitations_for(*, user, achievements: Sequence[Achievement], enterprises: Sequence[Enterprise]):
    """A saved 成果推介 event's invitation list: its enterprises the user may see, ranked and with
    their reasons as the planner gives them today (those with no reason left come last), and how
    many of its enterprises are outside the user's scope (not listed)."""
    ids = {str(e.pk) for e in enterprises}
    visible = _allowed(user) & ids
    rows = prospects_for(user=user, achievements=achievements, k=len(visible), only=visible) if visible else []
    ranked = {str(r.enterprise.pk) for r in rows}
    rest = Enterprise.objects.filter(pk__in=[int(i) for i in visible - ranked]).select_related("region", "industry")
    for e in rest.prefetch_related("contacts").order_by("name", "pk"):
        contacts = list(e.contacts.all())
        rows.append(ProspectRow(enterprise=e, score=0.0, evidence=[], contact=contacts[0] if contacts else None))
    return rows, len(ids) - len(visible)


def recent_results(queryset, limit: int = MAX_RESULTS) -> list[Achievement]:
    return list(queryset.order_by("-year", "-pk")[:limit])


EVIDENCE_TEXT = {
    "need": gettext_noop("需求「{label}」提到：{terms}"),
    "lead": gettext_noop("线索「{label}」提到：{terms}"),
    "visit": gettext_noop("走访（{label}）谈到：{terms}"),
    "industry": gettext_noop("所属行业「{label}」与成果相关：{terms}"),
    "peers": gettext_noop("同属行业「{label}」的{count}家企业提出过相关需求"),
    "tags": gettext_noop("有承接能力：{terms}"),
}


def evidence_text(e: Evidence) -> str:
    """One piece of evidence as a sentence in the reader's language (the export's 推荐理由)."""
    terms = e.terms
    if e.kind == "tags":
        terms = [str(EnterpriseTagKind(t).label) for t in terms if t in EnterpriseTagKind.values]
    return gettext(EVIDENCE_TEXT[e.kind]).format(label=e.label, terms=gettext("、").join(terms), count=e.count)

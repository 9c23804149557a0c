"""Reads for matching: the engine's answers for a need or a free-text search, with the
database rows (experts, universities, achievements) the hits refer to, and the feedback the
engine takes into account. Scope: the caller has already checked that the user may see the need
(``needs.selectors.need_detail``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from django.db.models import Count, Q
from django.utils.translation import gettext

from techmayor.core import clock
from techmayor.core.models import Job, JobStatus, RegionLevel
from techmayor.matching.members import MemberHit, MemberProfile, recommend_members
from techmayor.matching.ranker import Feedback, Hit, Matcher, SearchContext
from techmayor.matching.routing import Route, route
from techmayor.matching.words import Reason
from techmayor.resources.models import Achievement, Expert, University
from techmayor.roster.selectors import visible_member_ids

from .models import MatchFeedback, MatchTarget
from .services import INDEX_JOB, matcher_get, need_text

PAST_NEEDS = 10  # a member's most recent owned needs that count as experience

FEEDBACK_LIMIT = 5000  # the most recent judgements the engine sees
JUDGED_DEPTH = 20  # how far below the top k a match this need judged is still shown


def feedback_for_engine(*, limit: int = FEEDBACK_LIMIT, need=None) -> list[Feedback]:
    """Recent judgements as engine :class:`Feedback` (the latest per need and target wins; an
    undone one counts for nothing). With ``need``, its own judgements are marked ``same_need``
    (they move its matches without being offered as "a similar need's" reason)."""
    rows = MatchFeedback.objects.select_related("need", "university").order_by("-at", "-id")[:limit]
    seen: set[tuple] = set()
    out: list[Feedback] = []
    for fb in rows:
        key = (fb.need_id, fb.target, fb.external_id, fb.expert_id, fb.university_id)
        if key in seen:
            continue
        seen.add(key)
        if fb.accepted is None:
            continue
        out.append(
            Feedback(
                need_text=need_text(fb.need.title, fb.need.description),
                accepted=fb.accepted,
                external_id=fb.external_id or None,
                expert_id=str(fb.expert_id) if fb.expert_id else None,
                reason=fb.reason,
                university_id=fb.university.code if fb.university_id else None,
                same_need=need is not None and fb.need_id == need.pk,
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
class MemberRow:
    """A recommended member with the Member row."""

    hit: MemberHit
    member: object = None


@dataclass
class MatchResults:
    available: bool
    experts: list[Row] = field(default_factory=list)
    achievements: list[Row] = field(default_factory=list)
    universities: list[Row] = field(default_factory=list)
    members: list[MemberRow] = field(default_factory=list)
    disciplines: list[Route] = field(default_factory=list)  # the need's top three (discipline routing)


def say(text: str) -> str:
    """One of the engine's reasons or signals in the reader's language."""
    if not isinstance(text, Reason):
        return text
    values = dict(text.values)
    if isinstance(values.get("reason"), str):  # a decline reason's code is its Chinese label (a msgid)
        values["reason"] = gettext(values["reason"])
    if isinstance(values.get("terms"), str):  # words of the texts, joined the Chinese way
        values["terms"] = values["terms"].replace("、", gettext("、"))
    return gettext(text.template).format(**values)


def _attach(hits: list[Hit], target: str, judgements: dict[tuple[str, str], MatchFeedback]) -> list[Row]:
    for h in hits:
        h.explanation.signals = [say(s) for s in h.explanation.signals]
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


def _current_tenures(batch):
    """The batch's members in office today, with their group's district and home unit."""
    from techmayor.roster.models import Tenure

    today = clock.today()
    return list(
        Tenure.objects.filter(batch=batch, start_date__lte=today)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .select_related("member", "group__district", "dispatch_unit__university")
        .order_by("member_id")
    )


def search_context(*, need, user) -> SearchContext:
    """The context signals for ``need`` as ``user`` sees it: the user's home unit (when they are
    a member with a university behind them) and the enterprise's city (its universities)."""
    from techmayor.roster.models import Tenure

    home: set[str] = set()
    member = getattr(user, "member", None) if getattr(user, "is_authenticated", False) else None
    if member is not None:
        home = set(
            Tenure.objects.filter(member=member, dispatch_unit__university__isnull=False)
            .order_by("-start_date")
            .values_list("dispatch_unit__university__code", flat=True)[:1]
        )
    city = need.region.ancestor(RegionLevel.CITY) if need.region_id else None
    regional = {}
    if city is not None:
        regional = {
            code: city.name for code in University.objects.filter(location=city.name).values_list("code", flat=True)
        }
    return SearchContext(
        home_university_ids=frozenset(home),
        region=city.name if city is not None else None,
        university_regions=regional,
    )


def member_profiles(tenures, *, exclude_need_id: int | None = None) -> list[MemberProfile]:
    """What the engine knows of the members of ``tenures`` (three queries whatever their number):
    home unit, the district their group serves, 专业特长, their most recent owned needs (but
    ``exclude_need_id``) and how many open needs they own now."""
    from techmayor.needs.models import Need
    from techmayor.needs.state_machine import OPEN_STATES

    ids = [t.member_id for t in tenures]
    load = dict(
        Need.objects.filter(owner_id__in=ids, state__in=OPEN_STATES)
        .values_list("owner_id")
        .annotate(n=Count("id"))
        .values_list("owner_id", "n")
    )
    past: dict[int, list[tuple[str, str]]] = defaultdict(list)
    owned = Need.objects.filter(owner_id__in=ids)
    if exclude_need_id is not None:
        owned = owned.exclude(pk=exclude_need_id)
    for owner_id, title, description in owned.order_by("-date", "-id").values_list("owner_id", "title", "description"):
        if len(past[owner_id]) < PAST_NEEDS:
            past[owner_id].append((title, need_text(title, description)))
    profiles = []
    for t in tenures:
        unit = t.dispatch_unit
        university = unit.university if unit is not None and unit.university_id else None
        profiles.append(
            MemberProfile(
                id=str(t.member_id),
                name=t.member.name,
                university_id=university.code if university else "",
                unit=unit.name if unit is not None else "",
                district=t.group.district.name if t.group.district_id else "",
                expertise=t.member.expertise,
                past_needs=past.get(t.member_id, ()),
                load=load.get(t.member_id, 0),
            )
        )
    return profiles


def _need_district(need) -> str:
    district = need.region.ancestor(RegionLevel.DISTRICT) if need.region_id else None
    return district.name if district else ""


def member_recommendations(
    *, need, matcher: Matcher, university_hits: list[Hit], k: int = 3, user=None, disciplines: Sequence[str] = ()
) -> list[MemberRow]:
    """Up to ``k`` current members of the need's batch to own it (or, once it has an owner, to
    join it), with reasons; the owner and current collaborators are left out. A row carries its
    Member (a link to the member's page) only when ``user``, if given, may read that page."""
    from techmayor.needs.choices import CollaboratorStatus

    tenures = _current_tenures(need.batch)
    taken = {need.owner_id} | set(
        need.collaborator_links.exclude(status=CollaboratorStatus.LEFT).values_list("member_id", flat=True)
    )
    tenures = [t for t in tenures if t.member_id not in taken]
    if not tenures:
        return []
    hits = recommend_members(
        matcher,
        need_text(need.title, need.description),
        member_profiles(tenures, exclude_need_id=need.pk),
        district=_need_district(need),
        university_hits=university_hits,
        disciplines=disciplines,
        k=k,
    )
    members = {t.member_id: t.member for t in tenures}
    if user is not None:
        visible = visible_member_ids(user=user, ids=[int(h.id) for h in hits])
        members = {pk: m for pk, m in members.items() if pk in visible}
    for h in hits:
        h.reasons = [say(r) for r in h.reasons]
    return [MemberRow(hit=h, member=members.get(int(h.id))) for h in hits]


class OwnerRecommender:
    """The member recommendation of the need page, for many needs at once among chosen members: the
    handover (``needs.handover``) asks it which continuing member of a group should take over each open
    need of a leaving member. Profiles are read once (:func:`member_profiles`); each need costs one
    university search, as on the need page (without a viewer's home unit, and without the explanations
    nobody reads here), and the routing from the same ranked rows (its feedback included).
    ``available`` is False when no matching index is built."""

    def __init__(self, tenures, *, matcher: Matcher | None = None):
        self.matcher = matcher or matcher_get()
        self.profiles: dict[int, MemberProfile] = {}
        self.cache: dict = {}  # the members' texts read once (``recommend_members(cache=…)``)
        self.contexts: dict[int | None, tuple[SearchContext, str]] = {}  # by the need's region, with its district
        if self.matcher is not None and tenures:
            self.profiles = {int(p.id): p for p in member_profiles(tenures)}
            self.feedback = feedback_for_engine()

    @property
    def available(self) -> bool:
        return self.matcher is not None

    def rank(self, need, member_ids: Sequence[int], load: dict[int, int] | None = None) -> list[MemberHit]:
        """``member_ids`` ranked for ``need`` (only those with some reason, best first), their reasons in
        the reader's language; ``load``: their open needs now, when it differs from the profiles'."""
        if self.matcher is None:
            return []
        load = load or {}
        candidates = [
            replace(self.profiles[pk], load=load.get(pk, self.profiles[pk].load))
            for pk in member_ids
            if pk in self.profiles
        ]
        if not candidates:
            return []
        text = need_text(need.title, need.description)
        if need.region_id not in self.contexts:
            self.contexts[need.region_id] = (search_context(need=need, user=None), _need_district(need))
        context, district = self.contexts[need.region_id]
        # The universities without their explanations (only their rank and experts count here), and the
        # routing from the same ranked rows: one ranking of the need's text.
        universities, ranked = self.matcher.search_ranked(
            text, target="universities", k=10, feedback=self.feedback, context=context, explain=False,
        )  # fmt: skip
        disciplines = [r.label for r in route(self.matcher, text, ranked=ranked) if r.space == "discipline"]
        hits = recommend_members(
            self.matcher,
            text,
            candidates,
            district=district,
            university_hits=universities,
            disciplines=disciplines,
            k=len(candidates),
            cache=self.cache,
        )
        for h in hits:
            h.reasons = [say(r) for r in h.reasons]
        return hits


def need_matches(*, need, k: int = 5, user=None, matcher: Matcher | None = None) -> MatchResults:
    """Ranked, explained experts, achievements, universities and members for ``need`` (feedback
    and the viewer's context applied), each with this need's latest judgement. ``available`` is
    False when no index is built."""
    matcher = matcher or matcher_get()
    if matcher is None:
        return MatchResults(available=False)
    text = need_text(need.title, need.description)
    feedback = feedback_for_engine(need=need)
    context = search_context(need=need, user=user)
    judgements: dict[tuple[str, str], MatchFeedback] = {}
    for fb in MatchFeedback.objects.filter(need=need).select_related("university").order_by("at", "id"):
        judgements[(fb.target, fb.target_key)] = fb
    judgements = {key: fb for key, fb in judgements.items() if fb.accepted is not None}  # undone: unjudged
    results = MatchResults(available=True)
    universities: list[Hit] = []
    for target, engine_target, attr in (
        (MatchTarget.EXPERT, "experts", "experts"),
        (MatchTarget.ACHIEVEMENT, "achievements", "achievements"),
        (MatchTarget.UNIVERSITY, "universities", "universities"),
    ):
        n = max(k, 10) if target == MatchTarget.UNIVERSITY else k  # the member signal reads the top 10
        hits = matcher.search(text, target=engine_target, k=n + JUDGED_DEPTH, feedback=feedback, context=context)
        if target == MatchTarget.UNIVERSITY:
            universities = hits[:n]
        # the top k, and below them what this need judged (a declined match stays in sight, greyed)
        hits = hits[:k] + [h for h in hits[k:] if (target, h.id) in judgements]
        setattr(results, attr, _attach(hits, target, judgements))
    results.disciplines = route(matcher, text)
    results.members = member_recommendations(
        need=need,
        matcher=matcher,
        university_hits=universities,
        user=user,
        disciplines=[r.label for r in results.disciplines if r.space == "discipline"],
    )
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


def index_build_unfinished() -> Job | None:
    """The index build waiting or running in the job queue, if any (what a need page without an
    index tells its reader instead of an empty card)."""
    return Job.objects.filter(kind=INDEX_JOB, status__in=(JobStatus.QUEUED, JobStatus.RUNNING)).order_by("-pk").first()

"""Reads of the expert library: lists, an expert's page (results, needs matched, feedback), a
result's and a university's page. Needs and feedback are shown only for needs the reader may see."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from techmayor.resources.models import Achievement, Expert, University

from . import permissions


def expert_list(*, user, q: str = "", mine: bool = False) -> QuerySet[Expert]:
    """Live experts (merged ones left out) with their number of results, searched by name,
    organisation, university, discipline or bio."""
    qs = Expert.objects.filter(merged_into__isnull=True).select_related("university")
    q = (q or "").strip()[:100]
    if q:
        qs = qs.filter(
            Q(name__icontains=q)
            | Q(organization__icontains=q)
            | Q(university__name__icontains=q)
            | Q(title__icontains=q)
            | Q(disciplines__icontains=q)
            | Q(bio__icontains=q)
        )
    if mine and not permissions.is_library_admin(user):
        unis = permissions.home_university_ids(user)
        orgs = permissions.home_organizations(user)
        qs = qs.filter(Q(university_id__in=unis) | Q(university__isnull=True, organization__in=orgs))
    return qs.annotate(n_results=Count("achievements")).order_by("university__name", "name", "pk")


def expert_get(pk: int) -> Expert | None:
    return Expert.objects.select_related("university", "merged_into").filter(pk=pk).first()


def expert_live(expert: Expert) -> Expert:
    """The expert a merged one now lives on (following merges)."""
    seen = set()
    while expert.merged_into_id and expert.pk not in seen:
        seen.add(expert.pk)
        expert = Expert.objects.select_related("university", "merged_into").get(pk=expert.merged_into_id)
    return expert


def merge_candidates(*, user, expert: Expert, q: str = "") -> list[Expert]:
    """Experts the user may merge into ``expert``: same name first, else those matching ``q``."""
    qs = Expert.objects.filter(merged_into__isnull=True).exclude(pk=expert.pk).select_related("university")
    q = (q or "").strip()[:60]
    qs = qs.filter(Q(name__icontains=q) | Q(organization__icontains=q)) if q else qs.filter(name=expert.name)
    return [
        e
        for e in qs.annotate(n_results=Count("achievements")).order_by("pk")[:30]
        if permissions.can_edit_expert(user, e)
    ]


@dataclass
class NeedLine:
    """A need matched to the expert (or to one of their results), with what was said of it."""

    need: object
    top: bool = False  # the engine's first expert for the need (its standing assessment)
    judgements: list = field(default_factory=list)  # the latest judgement per target, newest first


def expert_needs(*, user, expert: Expert, limit: int = 50) -> list[NeedLine]:
    """Needs the user may see whose matches named the expert: as the engine's top expert, or by a
    judgement (accepted or declined) on the expert or one of their results."""
    from techmayor.matchmaking.models import MatchFeedback, MatchTarget, NeedMatch
    from techmayor.needs.selectors import need_visible

    visible = need_visible(user)
    externals = list(expert.achievements.values_list("external_id", flat=True))
    feedback = (
        MatchFeedback.objects.filter(need__in=visible)
        .filter(
            Q(target=MatchTarget.EXPERT, expert=expert) | Q(target=MatchTarget.ACHIEVEMENT, external_id__in=externals)
        )
        .select_related("need__enterprise", "user")
        .order_by("-at", "-id")
    )
    lines: dict[int, NeedLine] = {}
    seen: set[tuple] = set()
    for fb in feedback[:500]:
        key = (fb.need_id, fb.target, fb.external_id)
        if key in seen:  # a later judgement on the same target supersedes it
            continue
        seen.add(key)
        if fb.accepted is None:  # undone: nothing said of it any more
            continue
        lines.setdefault(fb.need_id, NeedLine(fb.need)).judgements.append(fb)
    for nm in NeedMatch.objects.filter(expert=expert, need__in=visible).select_related("need__enterprise")[:limit]:
        lines.setdefault(nm.need_id, NeedLine(nm.need)).top = True
    titles = dict(Achievement.objects.filter(external_id__in=externals).values_list("external_id", "title"))
    for line in lines.values():
        for fb in line.judgements:
            fb.result_title = titles.get(fb.external_id, "") if fb.target == MatchTarget.ACHIEVEMENT else ""
    return sorted(lines.values(), key=lambda n: -n.need.pk)[:limit]


def achievement_get(pk: int) -> Achievement | None:
    return Achievement.objects.select_related("university").filter(pk=pk).first()


def achievement_list() -> QuerySet[Achievement]:
    """Every result (the pool is shared), newest first, with its university and live experts: the
    library's result list, its export and the planner's search filter it
    (``resources.filters.AchievementFilterSet``)."""
    live = Prefetch("experts", queryset=Expert.objects.filter(merged_into__isnull=True).order_by("pk"))
    return Achievement.objects.select_related("university").prefetch_related(live).order_by("-year", "-pk")


def university_get(pk: int) -> University | None:
    return University.objects.filter(pk=pk).first()


def university_experts(university: University, *, limit: int = 100) -> list[Expert]:
    qs = university.experts.filter(merged_into__isnull=True).annotate(n_results=Count("achievements"))
    return list(qs.order_by("-n_results", "name")[:limit])

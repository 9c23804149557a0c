"""Writes of the resource pool: 科创平台 (platforms) created and changed from the pages, and the expert
library's experts and results (papers, patents, technology offers).

Each validates, saves and writes its audit record (``core.services``). Who may write what is the
caller's check (``library.permissions`` for experts and results). The matching index follows through
the matching layer's signals (an achievement saved or deleted, its experts changed, an expert's
university changed), queued after the transaction commits.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext

from techmayor.core.errors import ApplicationError
from techmayor.core.services import create_record, update_record
from techmayor.core.text import clean_text, formula_problem

from .choices import AchievementKind, AchievementStage, PlatformKind
from .models import Achievement, Expert, Platform, University


def _clean_name(name, *, exclude: int | None = None) -> str:
    name = clean_text(name)
    if not name:
        raise ApplicationError(gettext("平台名称不能为空"), field="name")
    if problem := formula_problem(name):
        raise ApplicationError(gettext("平台名称%(problem)s") % {"problem": problem}, field="name")
    same = Platform.objects.filter(name__iexact=name)
    if exclude is not None:
        same = same.exclude(pk=exclude)
    if same.exists():
        raise ApplicationError(
            gettext("科创平台「%(name)s」已存在，请在列表中选用") % {"name": same.first().name}, field="name"
        )
    return name


def _check_kind(kind: str) -> None:
    if kind not in PlatformKind.values:
        raise ApplicationError(gettext("未知的平台类型「%(kind)s」") % {"kind": kind}, field="kind")


@transaction.atomic
def platform_create(
    *,
    name: str,
    kind: str = PlatformKind.OTHER,
    university=None,
    region=None,
    established_on: dt.date | None = None,
    description: str = "",
    is_demo: bool = False,
    by=None,
) -> Platform:
    _check_kind(kind)
    return create_record(
        Platform,
        by=by,
        name=_clean_name(name),
        kind=kind,
        university=university,
        region=region,
        established_on=established_on,
        description=(description or "").strip(),
        is_demo=is_demo,
    )


@transaction.atomic
def platform_update(*, platform: Platform, by=None, **changes) -> Platform:
    if "name" in changes:
        changes["name"] = _clean_name(changes["name"], exclude=platform.pk)
    if "kind" in changes:
        _check_kind(changes["kind"])
    return update_record(platform, by=by, **changes)


# ---------------------------------------------------------------- experts and results

EXPERT_FIELDS = ("name", "title", "university", "organization", "disciplines", "bio", "email")
# The external id is not changed once given: the index knows the result by it.
ACHIEVEMENT_FIELDS = ("kind", "title", "abstract", "keywords", "discipline", "year", "stage", "university")


def _words(values: Sequence[str] | str | None) -> list[str]:
    if not values:
        return []
    if isinstance(values, str):
        values = values.replace("，", ",").replace("；", ",").replace(";", ",").replace("、", ",").split(",")
    out: list[str] = []
    for v in values:
        v = clean_text(str(v))
        if v and v not in out:
            out.append(v)
    return out


def _check_expert(name: str, university: University | None, organization: str) -> None:
    if not clean_text(name):
        raise ApplicationError(gettext("姓名: 请填写专家姓名"), field="name")
    if university is None and not clean_text(organization):
        raise ApplicationError(gettext("所在高校: 请选择所在高校或填写所在机构"), field="university")


def expert_duplicate(*, name: str, university: University | None, organization: str = "") -> Expert | None:
    """A live expert of the same name at the same university (or, without one, the same organisation)."""
    qs = Expert.objects.filter(name=clean_text(name), merged_into__isnull=True)
    if university is not None:
        return qs.filter(university=university).order_by("pk").first()
    return qs.filter(university__isnull=True, organization=clean_text(organization)).order_by("pk").first()


@transaction.atomic
def expert_create(
    *,
    name: str,
    university: University | None = None,
    organization: str = "",
    title: str = "",
    disciplines: Sequence[str] | str = (),
    bio: str = "",
    email: str = "",
    allow_duplicate: bool = False,
    by=None,
) -> Expert:
    """Add an expert to the library. The same name at the same university is refused (merge or
    edit the one there) unless ``allow_duplicate`` (two people may share a name)."""
    _check_expert(name, university, organization)
    if not allow_duplicate and (same := expert_duplicate(name=name, university=university, organization=organization)):
        raise ApplicationError(
            gettext("姓名: 专家库中已有「%(expert)s」，请修改该专家，或确认是同名的另一位专家") % {"expert": same},
            field="name",
        )
    return create_record(
        Expert,
        by=by,
        name=clean_text(name),
        university=university,
        organization=clean_text(organization),
        title=clean_text(title),
        disciplines=_words(disciplines),
        bio=bio.strip(),
        email=email.strip(),
    )


@transaction.atomic
def expert_update(*, expert: Expert, by=None, **changes) -> Expert:
    """Change an expert's profile (a merged one cannot be changed)."""
    if expert.merged_into_id:
        raise ApplicationError(
            gettext("该专家已合并到「%(expert)s」，请修改保留的专家") % {"expert": expert.merged_into}
        )
    unknown = set(changes) - set(EXPERT_FIELDS)
    if unknown:
        raise ApplicationError(gettext("不能修改的字段：%(fields)s") % {"fields": "、".join(sorted(unknown))})
    if "disciplines" in changes:
        changes["disciplines"] = _words(changes["disciplines"])
    for name in ("name", "title", "organization"):
        if name in changes:
            changes[name] = clean_text(changes[name] or "")
    _check_expert(
        changes.get("name", expert.name),
        changes.get("university", expert.university),
        changes.get("organization", expert.organization),
    )
    return update_record(expert, by=by, **changes)


def new_external_id(kind: str) -> str:
    """An id for a result entered by hand (results from a corpus keep theirs: DOI, patent number …)."""
    return f"tm-{kind}-{uuid.uuid4().hex[:12]}"


def _check_achievement(kind: str, title: str, year, stage: str = "") -> None:
    if stage and stage not in AchievementStage.values:
        raise ApplicationError(gettext("成熟度: 请选择实验室/小试、中试或产业化（不清楚的留空）"), field="stage")
    if kind not in AchievementKind.values:
        raise ApplicationError(gettext("类型: 请选择论文、专利或技术成果"), field="kind")
    if not clean_text(title):
        raise ApplicationError(gettext("标题: 请填写成果标题"), field="title")
    if year is not None and not (1900 <= int(year) <= 2100):
        raise ApplicationError(gettext("年份: 应在1900到2100之间"), field="year")


@transaction.atomic
def achievement_create(
    *,
    kind: str,
    title: str,
    external_id: str = "",
    abstract: str = "",
    keywords: Sequence[str] | str = (),
    discipline: str = "",
    year: int | None = None,
    stage: str = "",
    university: University | None = None,
    experts: Sequence[Expert] = (),
    by=None,
) -> Achievement:
    """Add a result with its experts; ``external_id`` (DOI, patent number …) is generated when empty.
    ``stage`` (``AchievementStage``) may stay empty: unknown."""
    stage = stage or ""
    _check_achievement(kind, title, year, stage)
    external_id = clean_text(external_id) or new_external_id(kind)
    if Achievement.objects.filter(kind=kind, external_id=external_id).exists():
        raise ApplicationError(
            gettext("编号: 已有编号为「%(id)s」的%(kind)s") % {"id": external_id, "kind": AchievementKind(kind).label},
            field="external_id",
        )
    if university is None:
        university = next((e.university for e in experts if e.university_id), None)
    return create_record(
        Achievement,
        by=by,
        m2m={"experts": list(experts)},
        kind=kind,
        external_id=external_id,
        title=clean_text(title),
        abstract=abstract.strip(),
        keywords=_words(keywords),
        discipline=clean_text(discipline),
        year=year,
        stage=stage,
        university=university,
    )


@transaction.atomic
def achievement_update(*, achievement: Achievement, experts: Sequence[Expert] | None = None, by=None, **changes):
    """Change a result (and, given ``experts``, who it belongs to)."""
    unknown = set(changes) - set(ACHIEVEMENT_FIELDS)
    if unknown:
        raise ApplicationError(gettext("不能修改的字段：%(fields)s") % {"fields": "、".join(sorted(unknown))})
    if "keywords" in changes:
        changes["keywords"] = _words(changes["keywords"])
    if "stage" in changes:
        changes["stage"] = changes["stage"] or ""
    _check_achievement(
        changes.get("kind", achievement.kind),
        changes.get("title", achievement.title),
        changes.get("year"),
        changes.get("stage", ""),
    )
    m2m = {"experts": list(experts)} if experts is not None else None
    return update_record(achievement, by=by, m2m=m2m, **changes)

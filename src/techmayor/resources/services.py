"""Writes for resources: 科创平台 (platforms) created and changed from the pages, audited."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext

from techmayor.core.errors import ApplicationError
from techmayor.core.services import create_record, update_record
from techmayor.core.text import clean_text, formula_problem

from .choices import PlatformKind
from .models import Platform


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

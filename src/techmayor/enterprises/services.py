"""Writes for enterprises: creation with credit-code validation and duplicate detection, tags, contacts, links."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext
from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError

from techmayor.core.errors import ApplicationError
from techmayor.core.services import create_record, update_record
from techmayor.core.text import clean_text, formula_problem, normalize_company_name
from techmayor.roster.services import check_credit

from . import dedupe
from .choices import EnterpriseTagKind
from .models import Contact, Enterprise, EnterpriseLink, EnterpriseTag


def clean_credit_code(value: str | None) -> str | None:
    """Validate a 统一社会信用代码 (GB 32100-2015) with its check digit; empty → None."""
    code = clean_text(value).upper().replace(" ", "").replace("-", "")
    if not code:
        return None
    try:
        return uscc.validate(code)
    except InvalidLength as exc:
        message = gettext("统一社会信用代码「%(code)s」应为18位，实际%(length)s位") % {
            "code": code,
            "length": len(code),
        }
        raise ApplicationError(message, field="credit_code") from exc
    except InvalidChecksum as exc:
        message = gettext("统一社会信用代码「%(code)s」校验位错误") % {"code": code}
        raise ApplicationError(message, field="credit_code") from exc
    except (InvalidFormat, InvalidComponent, ValidationError) as exc:
        message = gettext("统一社会信用代码「%(code)s」格式错误") % {"code": code}
        raise ApplicationError(message, field="credit_code") from exc


def enterprise_duplicates(*, name: str, credit_code: str | None = None) -> QuerySet[Enterprise]:
    """Enterprises that are certainly the same company: same credit code, or same normalised name."""
    condition = Q(normalized_name=normalize_company_name(name))
    if credit_code:
        condition |= Q(credit_code=credit_code)
    return Enterprise.objects.filter(condition)


def enterprise_similar(
    *,
    name: str,
    credit_code: str | None = None,
    queryset: QuerySet[Enterprise] | None = None,
    exclude: Iterable[int] = (),
    min_score: int = dedupe.SHOWN,
    limit: int = 5,
) -> list[tuple[Enterprise, int]]:
    """Enterprises of ``queryset`` (default all) that may be the company named, with a score 0–100:
    the one holding ``credit_code`` (100), then near names (``enterprises.dedupe``), best first."""
    queryset = Enterprise.objects.all() if queryset is None else queryset
    found: list[tuple[Enterprise, int]] = []
    skip = set(exclude)
    if credit_code:
        for e in queryset.filter(credit_code=credit_code).exclude(pk__in=skip).select_related("region"):
            found.append((e, 100))
            skip.add(e.pk)
    if clean_text(name):
        found += dedupe.near_duplicates(name, queryset=queryset, exclude=skip, min_score=min_score)
    return found[:limit]


def _similar_name_check(name: str, code: str | None) -> None:
    """Refuse a name that is probably an enterprise already in the system (exact key or a near name)."""
    others = Enterprise.objects.all()
    if code:
        # A company with a code may share a name only with companies whose code differs and is known.
        others = others.filter(credit_code__isnull=True)
    exact = others.filter(normalized_name=normalize_company_name(name)).first()
    if exact is not None:
        hit = (exact, 100)
    else:
        near = dedupe.near_duplicates(name, queryset=others, min_score=dedupe.NEAR)
        hit = near[0] if near else None
    if hit is not None:
        raise ApplicationError(
            gettext("疑似重复企业：已有「%(existing)s」（相似度 %(score)s%%），请核对后选择已有企业或确认新建")
            % {"existing": hit[0], "score": hit[1]},
            field="name",
        )


def _clean_name(name) -> str:
    """An enterprise's name cleaned as every text is, and never empty or formula-looking."""
    name = clean_text(name)
    if not name:
        raise ApplicationError(gettext("企业名称不能为空"), field="name")
    if problem := formula_problem(name):
        raise ApplicationError(gettext("企业名称%(problem)s") % {"problem": problem}, field="name")
    return name


@transaction.atomic
def enterprise_create(
    *,
    name: str,
    credit_code: str | None = None,
    region=None,
    industry=None,
    address: str = "",
    description: str = "",
    tags: Iterable[tuple[str, int | None]] = (),
    allow_similar_name: bool = False,
    is_demo: bool = False,
    by=None,
) -> Enterprise:
    name = _clean_name(name)
    code = clean_credit_code(credit_code)
    if code and Enterprise.objects.filter(credit_code=code).exists():
        existing = Enterprise.objects.get(credit_code=code)
        raise ApplicationError(
            gettext("统一社会信用代码 %(code)s 已属于企业「%(existing)s」") % {"code": code, "existing": existing},
            field="credit_code",
        )
    if not allow_similar_name:
        _similar_name_check(name, code)
    enterprise = create_record(
        Enterprise,
        by=by,
        name=name,
        credit_code=code,
        region=region,
        industry=industry,
        address=address,
        description=description,
        is_demo=is_demo,
    )
    for kind, year in tags:
        enterprise_tag_set(enterprise=enterprise, kind=kind, year=year, by=by)
    return enterprise


def enterprise_update(*, enterprise: Enterprise, by=None, **changes) -> Enterprise:
    if "credit_code" in changes:
        changes["credit_code"] = clean_credit_code(changes["credit_code"])
    if "name" in changes:
        changes["name"] = _clean_name(changes["name"])
    return update_record(enterprise, by=by, **changes)


def enterprise_tag_set(*, enterprise: Enterprise, kind: str, year: int | None = None, note: str = "", by=None):
    if kind not in EnterpriseTagKind.values:
        raise ApplicationError(gettext("未知的企业标签「%(kind)s」") % {"kind": kind}, field="kind")
    existing = EnterpriseTag.objects.filter(enterprise=enterprise, kind=kind).first()
    if existing:
        return update_record(existing, by=by, year=year, note=note)
    return create_record(EnterpriseTag, by=by, enterprise=enterprise, kind=kind, year=year, note=note)


def contact_add(*, enterprise: Enterprise, name: str, position: str = "", phone: str = "", email: str = "", by=None):
    return create_record(
        Contact, by=by, enterprise=enterprise, name=clean_text(name), position=position, phone=phone, email=email
    )


@transaction.atomic
def enterprise_link(*, batch, group, enterprise: Enterprise, date: dt.date, members=(), note: str = "", by=None):
    """挂钩服务: link an enterprise to a group (once per batch and group)."""
    members = check_credit(batch=batch, group=group, date=date, members=members)
    if EnterpriseLink.objects.filter(batch=batch, group=group, enterprise=enterprise).exists():
        raise ApplicationError(
            gettext("「%(enterprise)s」已是%(group)s的挂钩服务企业") % {"enterprise": enterprise, "group": group},
            field="enterprise",
        )
    return create_record(
        EnterpriseLink,
        by=by,
        m2m={"members": members},
        batch=batch,
        group=group,
        enterprise=enterprise,
        date=date,
        note=note,
    )


@transaction.atomic
def enterprise_link_update(*, link: EnterpriseLink, by=None, members=None, **changes) -> EnterpriseLink:
    """Change a link's date, members or note (batch, group and enterprise stay)."""
    for fixed in ("batch", "group", "enterprise"):
        changes.pop(fixed, None)
    members = list(link.members.all()) if members is None else list(members)
    members = check_credit(batch=link.batch, group=link.group, date=changes.get("date", link.date), members=members)
    return update_record(link, by=by, m2m={"members": members}, **changes)

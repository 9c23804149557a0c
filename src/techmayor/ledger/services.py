"""Writes for the work ledger. Every record is credited to a batch, a group, members and a date
(see ``roster.services.credited_create``); each service adds its own rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from techmayor.core.errors import ApplicationError
from techmayor.roster.services import credited_create

from .choices import CultivationKind, CultivationStatus, EventKind, VisitorKind
from .models import (
    ApplicationSupported,
    EmploymentBase,
    EnterpriseCultivation,
    EnterpriseLanding,
    Event,
    FundLanding,
    PlatformIntroduction,
    ProjectBrokered,
    Report,
    TalentIntroduction,
    UniversityPairing,
    Visit,
    VisitorRecord,
)


def _require_members(members: Iterable) -> list:
    members = list(members)
    if not members:
        raise ApplicationError("至少需要一名团员", field="members")
    return members


def visit_log(*, batch, group, enterprise, date: dt.date, members, note: str = "", by=None) -> Visit:
    """走访: one enterprise, one date, one or more members."""
    return credited_create(
        Visit,
        batch=batch,
        group=group,
        date=date,
        members=_require_members(members),
        by=by,
        enterprise=enterprise,
        note=note,
    )


def event_create(
    *,
    batch,
    group,
    kind: str,
    title: str,
    date: dt.date,
    members=(),
    enterprises=(),
    universities=(),
    location: str = "",
    note: str = "",
    by=None,
) -> Event:
    if kind not in EventKind.values:
        raise ApplicationError(f"未知的活动类型「{kind}」", field="kind")
    return credited_create(
        Event,
        batch=batch,
        group=group,
        date=date,
        members=members,
        by=by,
        m2m={"enterprises": enterprises, "universities": universities},
        kind=kind,
        title=title,
        location=location,
        note=note,
    )


def visitor_record_create(
    *,
    batch,
    group,
    kind: str,
    visitor_name: str,
    date: dt.date,
    members=(),
    organization: str = "",
    university=None,
    person_count: int = 1,
    note: str = "",
    by=None,
) -> VisitorRecord:
    if kind not in VisitorKind.values:
        raise ApplicationError(f"未知的来访类型「{kind}」", field="kind")
    return credited_create(
        VisitorRecord,
        batch=batch,
        group=group,
        date=date,
        members=members,
        by=by,
        kind=kind,
        visitor_name=visitor_name,
        organization=organization,
        university=university,
        person_count=person_count,
        note=note,
    )


def report_create(*, batch, group, title: str, date: dt.date, members, summary: str = "", by=None) -> Report:
    return credited_create(
        Report,
        batch=batch,
        group=group,
        date=date,
        members=_require_members(members),
        by=by,
        title=title,
        summary=summary,
    )


def talent_introduce(
    *,
    batch,
    group,
    talent_name: str,
    date: dt.date,
    members=(),
    person_count: int = 1,
    enterprise=None,
    university=None,
    description: str = "",
    by=None,
) -> TalentIntroduction:
    return credited_create(
        TalentIntroduction,
        batch=batch,
        group=group,
        date=date,
        members=members,
        by=by,
        talent_name=talent_name,
        person_count=person_count,
        enterprise=enterprise,
        university=university,
        description=description,
    )


def project_broker(
    *,
    batch,
    group,
    title: str,
    date: dt.date,
    members=(),
    enterprise=None,
    university=None,
    is_provincial_major: bool = False,
    amount_wan: Decimal | None = None,
    by=None,
) -> ProjectBrokered:
    return credited_create(
        ProjectBrokered,
        batch=batch,
        group=group,
        date=date,
        members=members,
        by=by,
        title=title,
        enterprise=enterprise,
        university=university,
        is_provincial_major=is_provincial_major,
        amount_wan=amount_wan,
    )


def platform_introduce(*, batch, group, platform, date: dt.date, members=(), note: str = "", by=None):
    if PlatformIntroduction.objects.filter(batch=batch, platform=platform).exists():
        raise ApplicationError(f"科创平台「{platform}」已在{batch}登记引进", field="platform")
    return credited_create(
        PlatformIntroduction,
        batch=batch,
        group=group,
        date=date,
        members=members,
        by=by,
        platform=platform,
        note=note,
    )


def enterprise_landing_create(*, batch, group, enterprise, date: dt.date, members=(), note: str = "", by=None):
    return credited_create(
        EnterpriseLanding,
        batch=batch,
        group=group,
        date=date,
        members=members,
        by=by,
        enterprise=enterprise,
        note=note,
    )


def employment_base_create(*, batch, group, enterprise, date: dt.date, members=(), university=None, by=None):
    return credited_create(
        EmploymentBase,
        batch=batch,
        group=group,
        date=date,
        members=members,
        by=by,
        enterprise=enterprise,
        university=university,
    )


def fund_landing_create(*, batch, group, fund_name: str, amount_wan: Decimal, date: dt.date, members=(), by=None):
    if amount_wan is None or Decimal(amount_wan) <= 0:
        raise ApplicationError("基金规模须大于0（万元）", field="amount_wan")
    return credited_create(
        FundLanding,
        batch=batch,
        group=group,
        date=date,
        members=members,
        by=by,
        fund_name=fund_name,
        amount_wan=amount_wan,
    )


def application_support_create(
    *, batch, group, enterprise, kind: str, title: str, date: dt.date, members=(), by=None
) -> ApplicationSupported:
    return credited_create(
        ApplicationSupported,
        batch=batch,
        group=group,
        date=date,
        members=members,
        by=by,
        enterprise=enterprise,
        kind=kind,
        title=title,
    )


def cultivation_create(
    *,
    batch,
    group,
    enterprise,
    kind: str,
    date: dt.date,
    members=(),
    status: str = CultivationStatus.IN_PROGRESS,
    by=None,
) -> EnterpriseCultivation:
    if kind not in CultivationKind.values:
        raise ApplicationError(f"未知的培育类型「{kind}」", field="kind")
    return credited_create(
        EnterpriseCultivation,
        batch=batch,
        group=group,
        date=date,
        members=members,
        by=by,
        enterprise=enterprise,
        kind=kind,
        status=status,
    )


def university_pairing_create(*, batch, group, university, date: dt.date, region=None, members=(), by=None):
    return credited_create(
        UniversityPairing,
        batch=batch,
        group=group,
        date=date,
        members=members,
        by=by,
        university=university,
        region=region,
    )

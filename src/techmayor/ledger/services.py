"""Writes for the work ledger. Every record is credited to a batch, a group, members and a date
(see ``roster.services.credited_create``); each service adds its own rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext

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
        raise ApplicationError(gettext("至少需要一名团员"), field="members")
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
    achievements=(),
    location: str = "",
    note: str = "",
    by=None,
) -> Event:
    """An event (场次); a 成果推介 event also names the results it promotes (``achievements``)."""
    if kind not in EventKind.values:
        raise ApplicationError(gettext("未知的活动类型「%(kind)s」") % {"kind": kind}, field="kind")
    return credited_create(
        Event,
        batch=batch,
        group=group,
        date=date,
        members=members,
        by=by,
        m2m={"enterprises": enterprises, "universities": universities, "achievements": achievements},
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
        raise ApplicationError(gettext("未知的来访类型「%(kind)s」") % {"kind": kind}, field="kind")
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
        raise ApplicationError(
            gettext("科创平台「%(platform)s」已在%(batch)s登记引进") % {"platform": platform, "batch": batch},
            field="platform",
        )
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
        raise ApplicationError(gettext("基金规模须大于0（万元）"), field="amount_wan")
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
        raise ApplicationError(gettext("未知的培育类型「%(kind)s」") % {"kind": kind}, field="kind")
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


# --- the quick visit log, and changes to any ledger record ---------------------------------------


@transaction.atomic
def visit_log_with_leads(
    *,
    batch,
    group,
    date: dt.date,
    members,
    enterprise=None,
    new_enterprise: dict | None = None,
    note: str = "",
    needs: Iterable[dict] = (),
    by=None,
) -> tuple[Visit, list]:
    """Log a visit from a phone in one go: the enterprise (picked, or new), the visit and the needs found.

    ``new_enterprise`` holds the arguments of ``enterprises.services.enterprise_create`` (name,
    credit_code, region, allow_similar_name) when the enterprise is not in the system yet; its
    duplicate warning ("疑似重复企业") is raised as it is so the user can pick the existing one or
    confirm. Each need becomes a lead from the visit (``needs.services.lead_create``) with its
    original text. All or nothing: any error leaves nothing written.
    """
    from techmayor.enterprises.services import enterprise_create
    from techmayor.needs.services import lead_create

    if enterprise is None and not new_enterprise:
        raise ApplicationError(gettext("请选择走访的企业，或新建企业"), field="enterprise")
    if enterprise is None:
        enterprise = enterprise_create(by=by, **new_enterprise)
    visit = visit_log(batch=batch, group=group, enterprise=enterprise, date=date, members=members, note=note, by=by)
    leads = []
    for n, need in enumerate(needs, start=1):
        raw_text = (need.get("raw_text") or "").strip()
        title = (need.get("title") or "").strip()
        if not raw_text and not title:
            continue
        try:
            leads.append(
                lead_create(
                    source="visit",
                    visit=visit,
                    raw_text=raw_text or title,
                    title=title,
                    enterprise=enterprise,
                    region=enterprise.region,
                    by=by,
                )
            )
        except ApplicationError as err:
            message = gettext("第%(n)s条需求：%(message)s") % {"n": n, "message": err.message}
            raise ApplicationError(message, field="needs") from err
    return visit, leads


_MEMBERS_REQUIRED = (Visit, Report)


@transaction.atomic
def record_update(*, record, by=None, members=None, m2m: dict | None = None, **changes):
    """Change a credited ledger record (date, members, its own fields), with the rules of its creation.

    The credit rule (group in batch, date in term, members serving in the batch) is checked
    again; batch and group never change here. Audited by ``update_record``.
    """
    from techmayor.core.services import update_record
    from techmayor.roster.services import check_credit

    changes.pop("batch", None)
    changes.pop("group", None)
    date = changes.get("date", record.date)
    members = list(record.members.all()) if members is None else list(members)
    if isinstance(record, _MEMBERS_REQUIRED):
        _require_members(members)
    members = check_credit(batch=record.batch, group=record.group, date=date, members=members)
    if isinstance(record, Event) and changes.get("kind", record.kind) not in EventKind.values:
        raise ApplicationError(gettext("未知的活动类型「%(kind)s」") % {"kind": changes["kind"]}, field="kind")
    if isinstance(record, VisitorRecord) and changes.get("kind", record.kind) not in VisitorKind.values:
        raise ApplicationError(gettext("未知的来访类型「%(kind)s」") % {"kind": changes["kind"]}, field="kind")
    if isinstance(record, EnterpriseCultivation) and changes.get("kind", record.kind) not in CultivationKind.values:
        raise ApplicationError(gettext("未知的培育类型「%(kind)s」") % {"kind": changes["kind"]}, field="kind")
    if isinstance(record, PlatformIntroduction):
        platform = changes.get("platform", record.platform)
        taken = PlatformIntroduction.objects.filter(batch=record.batch, platform=platform).exclude(pk=record.pk)
        if taken.exists():
            raise ApplicationError(
                gettext("科创平台「%(platform)s」已在%(batch)s登记引进")
                % {"platform": platform, "batch": record.batch},
                field="platform",
            )
    if isinstance(record, FundLanding):
        amount = changes.get("amount_wan", record.amount_wan)
        if amount is None or Decimal(amount) <= 0:
            raise ApplicationError(gettext("基金规模须大于0（万元）"), field="amount_wan")
    return update_record(record, by=by, m2m={"members": members, **(m2m or {})}, **changes)

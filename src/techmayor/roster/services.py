"""Writes for the roster: dispatch units, batches, groups, members and tenures.

Also the shared rule for every credited record (visits, events, needs, agreements …): its
group belongs to its batch, its date lies in the batch's term, and its members serve in the batch.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from techmayor.core import clock
from techmayor.core.errors import ApplicationError
from techmayor.core.models import Region, RegionLevel
from techmayor.core.services import create_record, update_record

from .choices import TenureRole
from .models import Batch, CreditedRecord, DispatchUnit, Group, Member, Tenure

R = TypeVar("R", bound=CreditedRecord)


def dispatch_unit_create(*, name: str, kind: str, university=None, by=None) -> DispatchUnit:
    name = (name or "").strip()
    if DispatchUnit.objects.filter(name=name).exists():
        raise ApplicationError(gettext("派出单位「%(name)s」已存在") % {"name": name}, field="name")
    return create_record(DispatchUnit, by=by, name=name, kind=kind, university=university)


@transaction.atomic
def batch_create(
    *, city: Region, number: int, start_date: dt.date, end_date: dt.date, is_active: bool = False, by=None
) -> Batch:
    if city.level != RegionLevel.CITY:
        raise ApplicationError(gettext("批次所属城市须为地级市，「%(city)s」不是") % {"city": city}, field="city")
    if end_date <= start_date:
        raise ApplicationError(gettext("批次结束日期须晚于开始日期"), field="end_date")
    if Batch.objects.filter(city=city, number=number).exists():
        raise ApplicationError(
            gettext("%(city)s第%(number)s批已存在") % {"city": city, "number": number}, field="number"
        )
    batch = create_record(Batch, by=by, city=city, number=number, start_date=start_date, end_date=end_date)
    if is_active:
        batch_activate(batch=batch, by=by)
    return batch


@transaction.atomic
def batch_activate(*, batch: Batch, by=None) -> Batch:
    """Make ``batch`` the one active batch of its city."""
    for other in Batch.objects.select_for_update().filter(city=batch.city_id, is_active=True).exclude(pk=batch.pk):
        update_record(other, by=by, is_active=False, audit_note=f"{batch} 成为当前批次")
    return update_record(batch, by=by, is_active=True)


@transaction.atomic
def batch_close(*, batch: Batch, by=None, note: str = "") -> Batch:
    """Close ``batch``: it is no longer the active one, and from now on only its city's administrators
    may correct its records (every correction audited). Its records and figures stay where they are."""
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    if batch.closed_at is not None:
        raise ApplicationError(gettext("%(batch)s已结束，不能再次结束") % {"batch": batch}, field="batch")
    return update_record(
        batch, by=by, is_active=False, closed_at=timezone.now(), closed_by=by, audit_note=note or "批次结束"
    )


def group_create(*, batch: Batch, name: str, district: Region, by=None) -> Group:
    if district.level != RegionLevel.DISTRICT:
        raise ApplicationError(
            gettext("支团服务地区须为区或县级市，「%(district)s」不是") % {"district": district}, field="district"
        )
    if Group.objects.filter(batch=batch, name=name).exists():
        raise ApplicationError(gettext("%(batch)s已有支团「%(name)s」") % {"batch": batch, "name": name}, field="name")
    return create_record(Group, by=by, batch=batch, name=name, district=district)


def member_create(*, name: str, by=None, **fields: Any) -> Member:
    return create_record(Member, by=by, name=(name or "").strip(), **fields)


@transaction.atomic
def tenure_create(
    *,
    member: Member,
    batch: Batch,
    group: Group,
    dispatch_unit: DispatchUnit,
    start_date: dt.date,
    role: str = TenureRole.MEMBER,
    end_date: dt.date | None = None,
    home_post: str = "",
    local_post: str = "",
    local_region: Region | None = None,
    by=None,
) -> Tenure:
    if group.batch_id != batch.pk:
        raise ApplicationError(
            gettext("支团「%(group)s」不属于%(batch)s") % {"group": group, "batch": batch}, field="group"
        )
    if not batch.start_date <= start_date <= batch.end_date:
        raise ApplicationError(
            gettext("任职开始日期 %(date)s 不在%(batch)s的期限（%(start)s 至 %(end)s）内")
            % {"date": start_date, "batch": batch, "start": batch.start_date, "end": batch.end_date},
            field="start_date",
        )
    if end_date is not None and not start_date <= end_date <= batch.end_date:
        raise ApplicationError(
            gettext("任职结束日期 %(date)s 须在任职开始日期之后且不晚于批次结束日期 %(end)s")
            % {"date": end_date, "end": batch.end_date},
            field="end_date",
        )
    if Tenure.objects.filter(member=member, batch=batch).exists():
        raise ApplicationError(
            gettext("%(member)s在%(batch)s已有任职") % {"member": member, "batch": batch}, field="member"
        )
    if role == TenureRole.LEADER and Tenure.objects.filter(group=group, role=TenureRole.LEADER).exists():
        raise ApplicationError(gettext("「%(group)s」已有团长") % {"group": group}, field="role")
    return create_record(
        Tenure,
        by=by,
        member=member,
        batch=batch,
        group=group,
        role=role,
        dispatch_unit=dispatch_unit,
        home_post=home_post,
        local_post=local_post,
        local_region=local_region,
        start_date=start_date,
        end_date=end_date,
    )


def check_credit(*, batch: Batch, group: Group, date: dt.date, members: Iterable[Member]) -> list[Member]:
    """The rule every credited record obeys; returns the members as a list."""
    members = list(members)
    if group.batch_id != batch.pk:
        raise ApplicationError(
            gettext("支团「%(group)s」不属于%(batch)s") % {"group": group, "batch": batch}, field="group"
        )
    if date is None:
        raise ApplicationError(gettext("日期不能为空"), field="date")
    if not batch.start_date <= date <= batch.end_date:
        raise ApplicationError(
            gettext("日期 %(date)s 不在%(batch)s的期限（%(start)s 至 %(end)s）内")
            % {"date": date, "batch": batch, "start": batch.start_date, "end": batch.end_date},
            field="date",
        )
    if date > clock.today():
        raise ApplicationError(
            gettext("日期 %(date)s 晚于今天（%(today)s）：已发生的工作不能填写未来的日期")
            % {"date": date, "today": clock.today()},
            field="date",
        )
    if members:
        serving = set(
            Tenure.objects.filter(batch=batch, member__in=members).order_by().values_list("member_id", flat=True)
        )
        outsiders = [m.name for m in members if m.pk not in serving]
        if outsiders:
            raise ApplicationError(
                gettext("%(names)s 不是%(batch)s的团员") % {"names": gettext("、").join(outsiders), "batch": batch},
                field="members",
            )
    return members


def credited_create(
    model: type[R],
    *,
    batch: Batch,
    group: Group,
    date: dt.date,
    members: Iterable[Member] = (),
    by=None,
    m2m: Mapping[str, Iterable[Any]] | None = None,
    **fields: Any,
) -> R:
    """Create a credited record (visit, event, need, agreement …) after :func:`check_credit`."""
    with transaction.atomic():
        members = check_credit(batch=batch, group=group, date=date, members=members)
        return create_record(
            model, by=by, m2m={"members": members, **(m2m or {})}, batch=batch, group=group, date=date, **fields
        )

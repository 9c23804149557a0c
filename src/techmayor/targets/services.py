"""Writes of targets: set, revise (with a reason), and the city's behind-pace margin; all audited.

Who may write: an administrator of the batch's city (or a superuser), checked here so that the
pages, the import and the command line share the rule.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext

from techmayor.accounts.choices import Role
from techmayor.accounts.scopes import active_roles
from techmayor.core.errors import ApplicationError
from techmayor.core.models import RegionLevel
from techmayor.core.services import create_record, update_record

from .models import Target, TargetSetting

REASON_MAX = Target._meta.get_field("reason").max_length
DEFAULT_MARGIN = 10


def can_set_targets(user, batch) -> bool:
    """An administrator of the batch's city, or a superuser (the command line runs as one)."""
    if user is None or getattr(user, "is_superuser", False):
        return True
    return any(a.role == Role.CITY_ADMIN and a.region_id == batch.city_id for a in active_roles(user))


def _check(by, batch) -> None:
    if not can_set_targets(by, batch):
        raise ApplicationError(gettext("只有%(batch)s所属城市的管理员可以设定目标") % {"batch": batch})


def _value(value) -> Decimal:
    try:
        number = Decimal(str(value)).quantize(Decimal("0.0001"))
    except (InvalidOperation, ValueError) as exc:
        raise ApplicationError(gettext("目标值须为数字：%(value)s") % {"value": value}, field="value") from exc
    if not number.is_finite() or number <= 0:
        raise ApplicationError(gettext("目标值须大于0：%(value)s") % {"value": value}, field="value")
    if number >= Decimal("1e12"):
        raise ApplicationError(gettext("目标值过大：%(value)s") % {"value": value}, field="value")
    return number


def _reason(reason: str, *, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise ApplicationError(gettext("调整目标须填写调整原因"), field="reason")
    if len(reason) > REASON_MAX:
        raise ApplicationError(gettext("调整原因不能超过%(max)s字") % {"max": REASON_MAX}, field="reason")
    return reason


def target_find(*, batch, metric: str, group=None, member=None) -> Target | None:
    return Target.objects.filter(batch=batch, metric=metric, group=group, member=member).first()


@transaction.atomic
def target_set(
    *, batch, metric: str, value, group=None, member=None, reason: str = "", by=None, is_demo: bool = False
) -> Target:
    """Set the target of ``metric`` for the batch, a group or a member; one already set is revised
    (then ``reason`` is required)."""
    _check(by, batch)
    if member is not None and group is None:
        tenure = member.tenures.filter(batch=batch).select_related("group").first()
        if tenure is None:
            raise ApplicationError(
                gettext("%(member)s不在%(batch)s任职") % {"member": member, "batch": batch}, field="member"
            )
        group = tenure.group
    existing = target_find(batch=batch, metric=metric, group=group, member=member)
    if existing is not None:
        return target_revise(target=existing, value=value, reason=reason, by=by)
    return create_record(
        Target,
        by=by,
        batch=batch,
        metric=metric,
        group=group,
        member=member,
        value=_value(value),
        reason=_reason(reason, required=False),
        is_demo=is_demo,
        audit_note=_reason(reason, required=False) or "设定目标",
    )


@transaction.atomic
def target_revise(*, target: Target, value, reason: str, by=None) -> Target:
    """Revise a target's value; the reason is kept on the target and as the audit note (its history)."""
    _check(by, target.batch)
    number = _value(value)
    reason = _reason(reason, required=True)
    target = Target.objects.select_for_update().get(pk=target.pk)
    if number == target.value:
        raise ApplicationError(
            gettext("目标值未改变（%(value)s）") % {"value": f"{number.normalize():f}"}, field="value"
        )
    return update_record(target, by=by, value=number, reason=reason, audit_note=reason)


def margin_of(city) -> int:
    setting = TargetSetting.objects.filter(city=city).first()
    return setting.margin if setting is not None else DEFAULT_MARGIN


@transaction.atomic
def target_margin_set(*, city, margin, by=None) -> TargetSetting:
    """The city's behind-pace margin in percentage points (0–100)."""
    if city is None or city.level != RegionLevel.CITY:
        raise ApplicationError(gettext("滞后容差只能按地级市设置"), field="city")
    if not (
        getattr(by, "is_superuser", False)
        or by is None
        or any(a.role == Role.CITY_ADMIN and a.region_id == city.pk for a in active_roles(by))
    ):
        raise ApplicationError(gettext("只有本市管理员可以设置滞后容差"))
    try:
        margin = int(str(margin).strip())
    except (TypeError, ValueError) as exc:
        raise ApplicationError(gettext("滞后容差须为0到100的整数"), field="margin") from exc
    if not 0 <= margin <= 100:
        raise ApplicationError(gettext("滞后容差须为0到100的整数"), field="margin")
    setting = TargetSetting.objects.select_for_update().filter(city=city).first()
    if setting is None:
        return create_record(TargetSetting, by=by, city=city, margin=margin)
    return update_record(setting, by=by, margin=margin)

"""Writes for cooperation: intents, agreements (contract amount) and money received (increments)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext

from techmayor.core.errors import ApplicationError
from techmayor.core.limits import MAX_WAN
from techmayor.core.services import create_record
from techmayor.core.text import plain_decimal
from techmayor.roster.services import credited_create

from .choices import AgreementKind
from .models import Agreement, AgreementReceipt, Intent


def parse_wan(value, *, field: str, label: str, allow_zero: bool = True) -> Decimal:
    """An amount in 万元 as an exact decimal; negative, non-numeric or over 4 decimals is refused."""
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, AttributeError) as exc:
        raise ApplicationError(
            gettext("%(label)s「%(value)s」不是有效的金额（万元）") % {"label": label, "value": value}, field=field
        ) from exc
    if not amount.is_finite():
        raise ApplicationError(
            gettext("%(label)s「%(value)s」不是有效的金额（万元）") % {"label": label, "value": value}, field=field
        )
    if amount < 0 or (amount == 0 and not allow_zero):
        message = gettext("%(label)s不能为负数：%(value)s") if amount < 0 else gettext("%(label)s不能为0：%(value)s")
        raise ApplicationError(message % {"label": label, "value": value}, field=field)
    if amount.as_tuple().exponent < -4:
        raise ApplicationError(
            gettext("%(label)s最多保留4位小数（万元）：%(value)s") % {"label": label, "value": value}, field=field
        )
    if amount > MAX_WAN:
        raise ApplicationError(
            gettext("%(label)s不能超过%(max)s万元（1000亿元）：%(value)s")
            % {"label": label, "max": MAX_WAN, "value": value},
            field=field,
        )
    return amount


def _check_same_batch(batch, linked, *, field: str, label: str) -> None:
    """An intent may answer a need, and an agreement come from an intent, of its own batch only."""
    if linked is not None and linked.batch_id != batch.pk:
        raise ApplicationError(
            gettext("%(label)s「%(linked)s」属于%(its_batch)s，不是%(batch)s的记录")
            % {"label": label, "linked": linked, "its_batch": linked.batch, "batch": batch},
            field=field,
        )


def intent_create(
    *,
    batch,
    group,
    title: str,
    enterprise,
    date: dt.date,
    members=(),
    university=None,
    expert=None,
    need=None,
    note: str = "",
    by=None,
) -> Intent:
    if university is None and expert is None:
        raise ApplicationError(gettext("合作意向须指明高校或专家"), field="university")
    _check_same_batch(batch, need, field="need", label=gettext("对应需求"))
    return credited_create(
        Intent,
        batch=batch,
        group=group,
        date=date,
        members=members,
        by=by,
        title=title,
        enterprise=enterprise,
        university=university,
        expert=expert,
        need=need,
        note=note,
    )


def agreement_sign(
    *,
    batch,
    group,
    title: str,
    university,
    contract_amount_wan,
    date: dt.date,
    members=(),
    kind: str = AgreementKind.UNIVERSITY_ENTERPRISE,
    enterprise=None,
    region=None,
    expert=None,
    need=None,
    intent=None,
    note: str = "",
    by=None,
) -> Agreement:
    amount = parse_wan(contract_amount_wan, field="contract_amount_wan", label=gettext("合同金额"))
    if kind == AgreementKind.UNIVERSITY_ENTERPRISE and enterprise is None:
        raise ApplicationError(gettext("校企合作协议须指明企业"), field="enterprise")
    if kind == AgreementKind.UNIVERSITY_LOCAL and region is None:
        raise ApplicationError(gettext("校地合作协议须指明合作地方"), field="region")
    _check_same_batch(batch, need, field="need", label=gettext("对应需求"))
    _check_same_batch(batch, intent, field="intent", label=gettext("合作意向"))
    return credited_create(
        Agreement,
        batch=batch,
        group=group,
        date=date,
        members=members,
        by=by,
        kind=kind,
        title=title,
        enterprise=enterprise,
        region=region,
        university=university,
        expert=expert,
        need=need,
        intent=intent,
        contract_amount_wan=amount,
        note=note,
    )


@transaction.atomic
def agreement_receipt_add(*, agreement: Agreement, date: dt.date, amount_wan, note: str = "", by=None):
    """Record money received under an agreement, as an increment; the total may not exceed the contract."""
    amount = parse_wan(amount_wan, field="amount_wan", label=gettext("到账金额"), allow_zero=False)
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if date < agreement.date:
        raise ApplicationError(
            gettext("到账日期 %(date)s 早于协议签订日期 %(signed)s") % {"date": date, "signed": agreement.date},
            field="date",
        )
    received = agreement.receipts.aggregate(total=Sum("amount_wan"))["total"] or Decimal(0)
    if received + amount > agreement.contract_amount_wan:
        raise ApplicationError(
            gettext("累计到账 %(total)s 万元将超过合同金额 %(contract)s 万元")
            % {"total": plain_decimal(received + amount), "contract": plain_decimal(agreement.contract_amount_wan)},
            field="amount_wan",
        )
    return create_record(AgreementReceipt, by=by, agreement=agreement, date=date, amount_wan=amount, note=note)


@transaction.atomic
def agreement_receipt_restore(*, receipt: AgreementReceipt, by=None) -> AgreementReceipt:
    """Restore a withdrawn receipt, unless its agreement is withdrawn or the money received would then
    exceed the contract (another receipt may have been entered meanwhile)."""
    from techmayor.core.services import restore_record

    agreement = Agreement.all_objects.select_for_update().get(pk=receipt.agreement_id)
    if agreement.withdrawn_at is not None:
        raise ApplicationError(
            gettext("协议「%(agreement)s」已作废，请先恢复协议") % {"agreement": agreement}, field="agreement"
        )
    received = agreement.receipts.aggregate(total=Sum("amount_wan"))["total"] or Decimal(0)
    if received + receipt.amount_wan > agreement.contract_amount_wan:
        raise ApplicationError(
            gettext("恢复后累计到账 %(total)s 万元将超过合同金额 %(contract)s 万元")
            % {
                "total": plain_decimal(received + receipt.amount_wan),
                "contract": plain_decimal(agreement.contract_amount_wan),
            },
            field="amount_wan",
        )
    return restore_record(receipt, by=by)


def _credited_update(record, *, by, members, m2m=None, **changes):
    from techmayor.core.services import update_record
    from techmayor.roster.services import check_credit

    changes.pop("batch", None)
    changes.pop("group", None)
    date = changes.get("date", record.date)
    members = list(record.members.all()) if members is None else list(members)
    members = check_credit(batch=record.batch, group=record.group, date=date, members=members)
    return update_record(record, by=by, m2m={"members": members, **(m2m or {})}, **changes)


@transaction.atomic
def intent_update(*, intent: Intent, by=None, members=None, **changes) -> Intent:
    """Change an intent with the rules of :func:`intent_create`."""
    university = changes.get("university", intent.university)
    expert = changes.get("expert", intent.expert)
    if university is None and expert is None:
        raise ApplicationError(gettext("合作意向须指明高校或专家"), field="university")
    _check_same_batch(intent.batch, changes.get("need"), field="need", label=gettext("对应需求"))
    return _credited_update(intent, by=by, members=members, **changes)


@transaction.atomic
def agreement_update(*, agreement: Agreement, by=None, members=None, **changes) -> Agreement:
    """Change an agreement with the rules of :func:`agreement_sign`; the contract may not go below what came in."""
    if "contract_amount_wan" in changes:
        changes["contract_amount_wan"] = parse_wan(
            changes["contract_amount_wan"], field="contract_amount_wan", label=gettext("合同金额")
        )
        received = agreement.receipts.aggregate(total=Sum("amount_wan"))["total"] or Decimal(0)
        if changes["contract_amount_wan"] < received:
            raise ApplicationError(
                gettext("合同金额不能少于已到账的 %(received)s 万元") % {"received": plain_decimal(received)},
                field="contract_amount_wan",
            )
    kind = changes.get("kind", agreement.kind)
    if kind not in AgreementKind.values:
        raise ApplicationError(gettext("未知的协议类型「%(kind)s」") % {"kind": kind}, field="kind")
    if kind == AgreementKind.UNIVERSITY_ENTERPRISE and changes.get("enterprise", agreement.enterprise) is None:
        raise ApplicationError(gettext("校企合作协议须指明企业"), field="enterprise")
    if kind == AgreementKind.UNIVERSITY_LOCAL and changes.get("region", agreement.region) is None:
        raise ApplicationError(gettext("校地合作协议须指明合作地方"), field="region")
    _check_same_batch(agreement.batch, changes.get("need"), field="need", label=gettext("对应需求"))
    _check_same_batch(agreement.batch, changes.get("intent"), field="intent", label=gettext("合作意向"))
    return _credited_update(agreement, by=by, members=members, **changes)

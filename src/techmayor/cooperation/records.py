"""Cooperation's kinds of record (intents and agreements), registered in ``core.registry``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from techmayor.core.registry import Column, RecordKind, Timeline, members_text, registry, safe_reverse
from techmayor.roster.selectors import can_edit_record, can_withdraw_record, reference_day

from . import filters, forms, selectors
from .models import Agreement, Intent

DATE = Column(_("日期"), lambda o: o.date, width=12, role="meta")
GROUP = Column(_("支团"), lambda o: o.group.name, width=10, role="meta")
MEMBERS = Column(_("团员"), members_text, width=24)
BATCH = Column(_("批次"), lambda o: str(o.batch), width=16, in_list=False)
NOTE = Column(_("备注"), lambda o: o.note, width=40, in_list=False)


def _name(obj) -> str:
    return str(obj) if obj is not None else ""


def _need_context(request, obj) -> dict:
    return {"need_url": safe_reverse("needs:need_detail", obj.need_id) if obj.need_id else None}


def _intent_detail(request, intent) -> dict:
    """The need the intent answers and the agreements it led to (those the reader may read)."""
    agreements = selectors.scoped_agreements(user=request.user).filter(intent=intent).order_by("date", "id")
    return {**_need_context(request, intent), "agreements": agreements}


INTENT = RecordKind(
    key="intent",
    app="cooperation",
    prefix="intents/",
    model=Intent,
    queryset=selectors.intent_list,
    filterset=filters.IntentFilterSet,
    form=forms.IntentForm,
    icon="bi-hand-thumbs-up",
    columns=[
        DATE,
        Column(_("意向内容"), lambda o: o.title, width=36, role="title"),
        Column(_("企业"), lambda o: o.enterprise.name, width=30, role="meta"),
        Column(_("高校"), lambda o: _name(o.university), width=20),
        Column(_("专家"), lambda o: _name(o.expert), width=20),
        Column(_("对应需求"), lambda o: _name(o.need), width=24, in_list=False),
        GROUP,
        MEMBERS,
        NOTE,
        BATCH,
    ],
    detail_template="cooperation/intent_detail.html",
    detail_context=_intent_detail,
    timeline=Timeline("enterprise", lambda o: _("合作意向"), lambda o: o.title),
)


def _agreement_detail(request, agreement) -> dict:
    receipts = list(selectors.receipts_of(agreement))
    for receipt in receipts:
        receipt.can_withdraw = can_withdraw_record(request.user, agreement, entered=receipt)
    can_add = can_edit_record(request.user, agreement)
    form = None
    if can_add:
        form = forms.ReceiptForm(initial={"date": reference_day(agreement.batch)})
    return {
        **_need_context(request, agreement),
        "intent_url": safe_reverse("cooperation:intent_detail", agreement.intent_id) if agreement.intent_id else None,
        "receipts": receipts,
        "receipt_form": form,
        "remaining": agreement.contract_amount_wan - agreement.received_wan,
    }


AGREEMENT = RecordKind(
    key="agreement",
    app="cooperation",
    prefix="agreements/",
    model=Agreement,
    queryset=selectors.agreement_list,
    filterset=filters.AgreementFilterSet,
    form=forms.AgreementForm,
    icon="bi-file-earmark-richtext",
    columns=[
        DATE,
        Column(_("协议名称"), lambda o: o.title, width=36, role="title"),
        Column(_("协议类型"), lambda o: o.get_kind_display(), width=10, role="meta"),
        Column(_("高校"), lambda o: o.university.name, width=20),
        Column(_("企业"), lambda o: _name(o.enterprise), width=28),
        Column(_("合作地方"), lambda o: _name(o.region), width=14, in_list=False),
        Column(_("专家"), lambda o: _name(o.expert), width=20, in_list=False),
        Column(_("合同金额(万元)"), lambda o: o.contract_amount_wan, width=14, number=True),
        Column(_("实际到账(万元)"), lambda o: o.received_wan, width=14, number=True),
        Column(_("对应需求"), lambda o: _name(o.need), width=24, in_list=False),
        Column(_("来自意向"), lambda o: _name(o.intent), width=24, in_list=False),
        GROUP,
        MEMBERS,
        NOTE,
        BATCH,
    ],
    detail_template="cooperation/agreement_detail.html",
    detail_context=_agreement_detail,
    timeline=Timeline(
        "enterprise",
        lambda o: _("合作协议"),
        lambda o: (
            _("%(title)s（%(university)s，%(amount)s万元）")
            % {"title": o.title, "university": o.university.name, "amount": f"{o.contract_amount_wan.normalize():f}"}
        ),
    ),
)

KINDS = [INTENT, AGREEMENT]

registry.register(*KINDS)

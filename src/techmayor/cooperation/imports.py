"""Importing intent and agreement lists (合作意向, 合作协议 with the money received) through the
cooperation services. An agreement row may carry one receipt (到账金额 and 到账日期); a receipt
already recorded for that agreement on that date with that amount is not added twice."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext, gettext_lazy

from techmayor.core import values
from techmayor.enterprises.imports import CREDIT_CODE, ENTERPRISE
from techmayor.imports import lookups as L
from techmayor.imports.credited import GROUP, NOTE, CreditedImport, members_field
from techmayor.imports.engine import Field, RowError, register

from . import services
from .choices import AgreementKind
from .models import Agreement, Intent

UNIVERSITY = Field("university", "高校", ("合作高校", "高校名称", "合作院校", "院校"))


def _expert(ctx, name: str):
    from techmayor.resources.models import Expert

    name = L.cell({"x": name}, "x")
    if not name:
        return None
    found = list(Expert.objects.filter(name=name)[:2])
    if len(found) != 1:
        raise RowError(
            "专家",
            (gettext("「%(name)s」在专家库中有重名") if found else gettext("「%(name)s」不在专家库中"))
            % {"name": name},
        )
    return found[0]


class IntentImport(CreditedImport):
    key = "intents"
    label = gettext_lazy("合作意向")
    unit = "项"
    model = Intent
    key_fields = ("enterprise", "title")
    compare = ("university", "note", "members")
    create_with = services.intent_create
    fields = (
        Field("title", "意向内容", ("合作意向", "意向名称", "合作内容", "项目名称"), required=True),
        ENTERPRISE,
        CREDIT_CODE,
        UNIVERSITY,
        Field("expert", "专家", ("合作专家", "专家姓名")),
        Field("date", "日期", ("达成日期", "签订日期", "时间"), required=True),
        members_field("对接团员"),
        GROUP,
        NOTE,
    )

    def own(self, v, ctx):
        ref = L.enterprise(ctx, v.get("enterprise", ""), v.get("credit_code", ""))
        university = L.university(ctx, v.get("university", ""), label="高校")
        expert = _expert(ctx, v.get("expert", ""))
        if university is None and expert is None:
            raise RowError("高校", gettext("合作意向须指明高校或专家"))
        return {
            "title": L.text(v, "title", "意向内容", required=True, limit=200),
            "enterprise": ref,
            "university": university,
            "expert": expert,
            "note": L.text(v, "note", "备注"),
            "_region": L.place_of(ctx, ref),
        }

    def update(self, obj, changes, data, ctx):
        members = changes.pop("members", None)
        return services.intent_update(intent=obj, by=ctx.user, members=members, **changes)


class AgreementImport(CreditedImport):
    key = "agreements"
    label = gettext_lazy("合作协议")
    unit = "个"
    model = Agreement
    key_fields = ("title",)
    compare = ("contract_amount_wan", "note", "members")
    prefetch = ("members", "receipts")
    fields = (
        Field("title", "协议名称", ("合作协议", "合同名称", "项目名称", "协议"), required=True),
        Field("kind", "协议类型", ("合作类型", "类型")),
        UNIVERSITY,
        Field("enterprise", "企业名称", ENTERPRISE.synonyms),  # optional here: a 校地 agreement has none
        CREDIT_CODE,
        Field("region", "合作地方", ("合作地区", "地方", "合作园区")),
        Field("contract_amount_wan", "合同金额(万元)", ("合同金额", "协议金额", "金额"), required=True),
        Field("date", "签订日期", ("日期", "签约日期", "时间"), required=True),
        Field("received_wan", "到账金额(万元)", ("实际到账", "到账金额", "已到账")),
        Field("received_on", "到账日期", ("到账时间",)),
        members_field("对接团员"),
        GROUP,
        NOTE,
    )

    def own(self, v, ctx):
        name = L.cell(v, "enterprise")
        ref = L.enterprise(ctx, name, v.get("credit_code", "")) if name else None
        region = L.region(ctx, v.get("region", ""), label="合作地方")
        kind_default = AgreementKind.UNIVERSITY_ENTERPRISE if ref is not None or region is None else "校地"
        kind = L.parse("协议类型", values.parse_choice, v.get("kind", ""), choices=AgreementKind,
                       aliases={"校企": "校企", "校地": "校地"}, default=kind_default)  # fmt: skip
        amount = L.wan(ctx, v, "contract_amount_wan", "合同金额(万元)")
        if amount is None:
            raise RowError("合同金额(万元)", gettext("不能为空"))
        received = L.wan(ctx, v, "received_wan", "到账金额(万元)")
        received_on = None
        if received:
            if received > amount:
                raise RowError(
                    "到账金额(万元)",
                    gettext("%(received)s 超过合同金额 %(amount)s") % {"received": received, "amount": amount},
                )
            raw = v.get("received_on", "") or v.get("date", "")
            received_on = L.parse("到账日期", values.parse_date, raw)
        return {
            "title": L.text(v, "title", "协议名称", required=True, limit=200),
            "kind": kind,
            "university": L.university(ctx, v.get("university", ""), label="高校", required=True),
            "enterprise": ref,
            "region": region,
            "contract_amount_wan": amount,
            "note": L.text(v, "note", "备注"),
            "_receipt": (received_on, received) if received else None,
            "_region": region or L.place_of(ctx, ref),
        }

    def existing(self, ctx, keys):
        found = super().existing(ctx, keys)
        for obj in found.values():
            obj.receipt_keys = {(r.date, Decimal(r.amount_wan)) for r in obj.receipts.all()}
        return found

    def changes(self, obj, data, ctx):
        changes = super().changes(obj, data, ctx)
        receipt = data["_receipt"]
        if receipt is not None and (receipt[0], Decimal(receipt[1])) not in obj.receipt_keys:
            changes["receipt"] = receipt
        return changes

    def create(self, data, ctx):
        kwargs = self.service_kwargs(data, ctx)
        agreement = services.agreement_sign(batch=ctx.batch, by=ctx.user, **kwargs)
        if data["_receipt"] is not None:
            date, amount = data["_receipt"]
            services.agreement_receipt_add(agreement=agreement, date=date, amount_wan=amount, by=ctx.user)
        return agreement

    def update(self, obj, changes, data, ctx):
        receipt = changes.pop("receipt", None)
        members = changes.pop("members", None)
        if changes or members is not None:
            services.agreement_update(agreement=obj, by=ctx.user, members=members, **changes)
        if receipt is not None:
            services.agreement_receipt_add(agreement=obj, date=receipt[0], amount_wan=receipt[1], by=ctx.user)
        return obj


register(IntentImport(), AgreementImport())

from django.db import models
from django.utils.translation import gettext_lazy as _

from techmayor.core import clock
from techmayor.core.limits import WAN, wan_in_range
from techmayor.core.models import BaseModel, Withdrawable
from techmayor.roster.models import CreditedRecord

from .choices import AgreementKind


class Intent(CreditedRecord):
    """合作意向 (项) between an enterprise and a university or expert."""

    title = models.CharField(_("意向内容"), max_length=200)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="intents"
    )
    university = models.ForeignKey(
        "resources.University",
        verbose_name=_("高校"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    expert = models.ForeignKey(
        "resources.Expert", verbose_name=_("专家"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    need = models.ForeignKey(
        "needs.Need",
        verbose_name=_("对应需求"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="intents",
    )

    class Meta(CreditedRecord.Meta):
        verbose_name = _("合作意向")
        verbose_name_plural = _("合作意向")

    def __str__(self) -> str:
        return self.title


class Agreement(CreditedRecord):
    """合作协议 (个): 校企 or 校地, with the contract amount; money received is in AgreementReceipt."""

    kind = models.CharField(
        _("协议类型"), max_length=4, choices=AgreementKind.choices, default=AgreementKind.UNIVERSITY_ENTERPRISE
    )
    title = models.CharField(_("协议名称"), max_length=200)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    region = models.ForeignKey(
        "core.Region", verbose_name=_("合作地方"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    university = models.ForeignKey(
        "resources.University", verbose_name=_("高校"), on_delete=models.PROTECT, related_name="agreements"
    )
    expert = models.ForeignKey(
        "resources.Expert", verbose_name=_("专家"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    need = models.ForeignKey(
        "needs.Need",
        verbose_name=_("对应需求"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    intent = models.ForeignKey(
        Intent,
        verbose_name=_("来自意向"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreements",
        help_text=_("这份协议由哪项合作意向促成（可不填）"),
    )
    contract_amount_wan = models.DecimalField(_("合同金额(万元)"), **WAN)

    class Meta(CreditedRecord.Meta):
        verbose_name = _("合作协议")
        verbose_name_plural = _("合作协议")
        constraints = [wan_in_range("contract_amount_wan", name="agreement_contract_amount_wan_range")]

    def __str__(self) -> str:
        return self.title


class AgreementReceipt(Withdrawable, BaseModel):
    """实际到账: one payment received under an agreement (an increment)."""

    agreement = models.ForeignKey(Agreement, verbose_name=_("协议"), on_delete=models.PROTECT, related_name="receipts")
    date = models.DateField(_("到账日期"))
    amount_wan = models.DecimalField(_("到账金额(万元)"), **WAN)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("协议到账")
        verbose_name_plural = _("协议到账")
        ordering = ["date", "id"]
        constraints = [wan_in_range("amount_wan", name="agreementreceipt_amount_wan_range")]

    def clean(self):
        clock.check_not_future(self, "date")

    def __str__(self) -> str:
        return _("%(agreement)s %(date)s %(amount)s万元") % {
            "agreement": self.agreement,
            "date": self.date,
            "amount": self.amount_wan,
        }

from django.db import models
from django.utils.translation import gettext_lazy as _

from techmayor.core.limits import WAN, count_validators, in_range, wan_in_range
from techmayor.roster.models import CreditedRecord

from .choices import ApplicationKind, CultivationKind, CultivationStatus, EventKind, VisitorKind


class Visit(CreditedRecord):
    """走访: one enterprise on one date, by one or more members. Counted as 家次 and as 家."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="visits"
    )

    class Meta(CreditedRecord.Meta):
        verbose_name = _("走访企业")
        verbose_name_plural = _("走访企业")

    def __str__(self) -> str:
        return _("%(date)s 走访 %(enterprise)s") % {"date": self.date, "enterprise": self.enterprise}


class Event(CreditedRecord):
    """活动 (场次): 产学研专场活动, 对接活动, 校园招聘 or other."""

    kind = models.CharField(_("活动类型"), max_length=20, choices=EventKind.choices)
    title = models.CharField(_("活动名称"), max_length=200)
    location = models.CharField(_("地点"), max_length=120, blank=True)
    enterprises = models.ManyToManyField(
        "enterprises.Enterprise", verbose_name=_("参与企业"), blank=True, related_name="events"
    )
    universities = models.ManyToManyField(
        "resources.University", verbose_name=_("参与高校"), blank=True, related_name="events"
    )
    achievements = models.ManyToManyField(
        "resources.Achievement",
        verbose_name=_("推介成果"),
        blank=True,
        related_name="events",
        help_text=_("成果推介活动推介的科技成果（其参与企业即邀请的企业）"),
    )

    class Meta(CreditedRecord.Meta):
        verbose_name = _("活动")
        verbose_name_plural = _("活动")

    def __str__(self) -> str:
        return f"{self.date} {self.title}"


class VisitorRecord(CreditedRecord):
    """来访专家 / 来访企业家, counted in 人次: a person visiting twice counts twice."""

    kind = models.CharField(_("来访类型"), max_length=20, choices=VisitorKind.choices)
    visitor_name = models.CharField(_("来访人"), max_length=120, help_text=_("多人同行时可填写代表姓名"))
    organization = models.CharField(_("所在单位"), max_length=150, blank=True)
    university = models.ForeignKey(
        "resources.University",
        verbose_name=_("所在高校"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    person_count = models.PositiveSmallIntegerField(_("人次"), default=1, validators=count_validators(1))

    class Meta(CreditedRecord.Meta):
        verbose_name = _("来访记录")
        verbose_name_plural = _("来访记录")
        constraints = [in_range("person_count", minimum=1, name="visitorrecord_person_count_range")]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.visitor_name}"


class Report(CreditedRecord):
    """调研报告 (篇)."""

    title = models.CharField(_("报告题目"), max_length=200)
    summary = models.TextField(_("摘要"), blank=True)

    class Meta(CreditedRecord.Meta):
        verbose_name = _("调研报告")
        verbose_name_plural = _("调研报告")

    def __str__(self) -> str:
        return self.title


class TalentIntroduction(CreditedRecord):
    """引才 (人): talents brought to local enterprises; a team is one record with its head count."""

    talent_name = models.CharField(_("人才/团队"), max_length=120)
    person_count = models.PositiveSmallIntegerField(_("人数"), default=1, validators=count_validators(1))
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("引进企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    university = models.ForeignKey(
        "resources.University",
        verbose_name=_("来源高校"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta(CreditedRecord.Meta):
        verbose_name = _("引进人才")
        verbose_name_plural = _("引进人才")
        constraints = [in_range("person_count", minimum=1, name="talentintroduction_person_count_range")]

    def __str__(self) -> str:
        return self.talent_name


class ProjectBrokered(CreditedRecord):
    """牵线科技项目 (项); some are placed on the province's major-project list."""

    title = models.CharField(_("项目名称"), max_length=200)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("承接企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    university = models.ForeignKey(
        "resources.University",
        verbose_name=_("合作高校"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_provincial_major = models.BooleanField(_("列入省重大项目"), default=False)
    amount_wan = models.DecimalField(_("投资额(万元)"), null=True, blank=True, **WAN)

    class Meta(CreditedRecord.Meta):
        verbose_name = _("牵线科技项目")
        verbose_name_plural = _("牵线科技项目")
        constraints = [wan_in_range("amount_wan", name="projectbrokered_amount_wan_range")]

    def __str__(self) -> str:
        return self.title


class PlatformIntroduction(CreditedRecord):
    """协助引进科创平台 (家)."""

    platform = models.ForeignKey(
        "resources.Platform", verbose_name=_("科创平台"), on_delete=models.PROTECT, related_name="introductions"
    )

    class Meta(CreditedRecord.Meta):
        verbose_name = _("引进科创平台")
        verbose_name_plural = _("引进科创平台")

    def __str__(self) -> str:
        return str(self.platform)


class EnterpriseLanding(CreditedRecord):
    """招引落户企业 (家): a company brought to register locally."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("落户企业"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta(CreditedRecord.Meta):
        verbose_name = _("招引落户企业")
        verbose_name_plural = _("招引落户企业")

    def __str__(self) -> str:
        return str(self.enterprise)


class EmploymentBase(CreditedRecord):
    """就业基地 (个) set up with an enterprise, often for a university's graduates."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="+"
    )
    university = models.ForeignKey(
        "resources.University",
        verbose_name=_("合作高校"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta(CreditedRecord.Meta):
        verbose_name = _("就业基地")
        verbose_name_plural = _("就业基地")

    def __str__(self) -> str:
        return _("%(enterprise)s 就业基地") % {"enterprise": self.enterprise}


class FundLanding(CreditedRecord):
    """基金落地 (万元)."""

    fund_name = models.CharField(_("基金名称"), max_length=150)
    amount_wan = models.DecimalField(_("规模(万元)"), **WAN)

    class Meta(CreditedRecord.Meta):
        verbose_name = _("基金落地")
        verbose_name_plural = _("基金落地")
        constraints = [wan_in_range("amount_wan", name="fundlanding_amount_wan_range")]

    def __str__(self) -> str:
        return self.fund_name


class ApplicationSupported(CreditedRecord):
    """帮助企业申报 (项): technology, talent or funding applications."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("申报类型"), max_length=20, choices=ApplicationKind.choices)
    title = models.CharField(_("申报事项"), max_length=200)

    class Meta(CreditedRecord.Meta):
        verbose_name = _("帮助企业申报")
        verbose_name_plural = _("帮助企业申报")

    def __str__(self) -> str:
        return self.title


class EnterpriseCultivation(CreditedRecord):
    """培育: an enterprise followed towards 高新技术企业 certification, or identified as 北交所潜力企业."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="cultivations"
    )
    kind = models.CharField(_("培育类型"), max_length=20, choices=CultivationKind.choices)
    status = models.CharField(
        _("状态"), max_length=20, choices=CultivationStatus.choices, default=CultivationStatus.IN_PROGRESS
    )

    class Meta(CreditedRecord.Meta):
        verbose_name = _("企业培育")
        verbose_name_plural = _("企业培育")

    def __str__(self) -> str:
        return _("%(kind)s：%(enterprise)s") % {"kind": self.get_kind_display(), "enterprise": self.enterprise}


class UniversityPairing(CreditedRecord):
    """高校结对共建: a university paired with a park or town."""

    university = models.ForeignKey(
        "resources.University", verbose_name=_("高校"), on_delete=models.PROTECT, related_name="pairings"
    )
    region = models.ForeignKey(
        "core.Region", verbose_name=_("结对园区/镇"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta(CreditedRecord.Meta):
        verbose_name = _("高校结对共建")
        verbose_name_plural = _("高校结对共建")

    def __str__(self) -> str:
        return _("%(university)s 结对 %(region)s") % {"university": self.university, "region": self.region or ""}

from django.db import models
from django.utils.translation import gettext_lazy as _

from techmayor.core import clock
from techmayor.core.models import BaseModel, Withdrawable
from techmayor.core.text import normalize_company_name

from .choices import EnterpriseTagKind


class Enterprise(BaseModel):
    """An enterprise the program serves. Identity: 统一社会信用代码, else the normalised name."""

    name = models.CharField(_("企业名称"), max_length=150)
    normalized_name = models.CharField(_("规范化名称"), max_length=150, db_index=True, editable=False)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, null=True, blank=True, help_text=_("18位，含校验位")
    )
    region = models.ForeignKey(
        "core.Region", verbose_name=_("所在地"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    industry = models.ForeignKey(
        "core.Industry", verbose_name=_("所属行业"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    description = models.TextField(_("简介"), blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.normalized_name = normalize_company_name(self.name)
        if not self.credit_code:
            self.credit_code = None
        super().save(*args, **kwargs)

    @property
    def identity(self) -> str:
        return self.credit_code or self.normalized_name


class EnterpriseTag(BaseModel):
    """A qualification such as 高新技术企业 (with its certification year) or 专精特新."""

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="tags")
    kind = models.CharField(_("标签"), max_length=20, choices=EnterpriseTagKind.choices)
    year = models.PositiveSmallIntegerField(_("认定年份"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("企业标签")
        verbose_name_plural = _("企业标签")
        constraints = [models.UniqueConstraint(fields=["enterprise", "kind"], name="enterprise_tag_unique_kind")]

    def __str__(self) -> str:
        if not self.year:
            return str(self.get_kind_display())
        return _("%(kind)s（%(year)s）") % {"kind": self.get_kind_display(), "year": self.year}


class Contact(BaseModel):
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("联系人"), max_length=60)
    position = models.CharField(_("职务"), max_length=60, blank=True)
    phone = models.CharField(_("电话"), max_length=30, blank=True)
    email = models.EmailField(_("邮箱"), blank=True)

    class Meta:
        verbose_name = _("联系人")
        verbose_name_plural = _("联系人")

    def __str__(self) -> str:
        return _("%(name)s（%(where)s）") % {"name": self.name, "where": self.enterprise}


class EnterpriseLink(Withdrawable, BaseModel):
    """挂钩服务: an enterprise formally linked to a group (and a member) of a batch."""

    batch = models.ForeignKey("roster.Batch", verbose_name=_("批次"), on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey("roster.Group", verbose_name=_("支团"), on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="links")
    members = models.ManyToManyField("roster.Member", verbose_name=_("挂钩团员"), blank=True, related_name="+")
    date = models.DateField(_("挂钩日期"))
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("挂钩服务企业")
        verbose_name_plural = _("挂钩服务企业")
        ordering = ["-date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "group", "enterprise"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="enterprise_link_unique",
                violation_error_message=_("该支团已挂钩服务这家企业"),
            )
        ]

    def clean(self):
        clock.check_not_future(self, "date")

    def __str__(self) -> str:
        return f"{self.group} ↔ {self.enterprise}"

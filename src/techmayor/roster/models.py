from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from techmayor.core import clock
from techmayor.core.models import BaseModel, RegionLevel, Withdrawable

from .choices import DispatchUnitKind, Gender, TenureRole

CHINESE_NUMERALS = "零一二三四五六七八九"


def chinese_ordinal(n: int) -> str:
    """14 → 十四, 21 → 二十一 (batch numbers are written this way)."""
    if n < 10:
        return CHINESE_NUMERALS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else CHINESE_NUMERALS[tens]
    return f"{head}十{CHINESE_NUMERALS[ones] if ones else ''}"


class DispatchUnit(BaseModel):
    """派出单位: the member's home unit (university, institute, government body), their 大后方."""

    name = models.CharField(_("单位名称"), max_length=100, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=DispatchUnitKind.choices)
    university = models.ForeignKey(
        "resources.University",
        verbose_name=_("对应高校"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dispatch_units",
    )

    class Meta:
        verbose_name = _("派出单位")
        verbose_name_plural = _("派出单位")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Batch(BaseModel):
    """批次: one city's batch of 科技镇长团, e.g. 常州市第十四批. Exactly one is active per city."""

    city = models.ForeignKey("core.Region", verbose_name=_("城市"), on_delete=models.PROTECT, related_name="batches")
    number = models.PositiveSmallIntegerField(_("批次"))
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    is_active = models.BooleanField(_("当前批次"), default=False)
    # A closed batch (its handover done, docs/decisions/0021-handover.md): its records logged through
    # ``write_context`` take only its administrators' corrections, audited like every write.
    closed_at = models.DateTimeField(_("结束交接时间"), null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("结束交接人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("批次")
        verbose_name_plural = _("批次")
        ordering = ["city", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["city", "number"], name="batch_unique_number_in_city"),
            models.UniqueConstraint(
                fields=["city"], condition=models.Q(is_active=True), name="batch_one_active_per_city"
            ),
            models.CheckConstraint(condition=models.Q(end_date__gt=models.F("start_date")), name="batch_dates_ordered"),
        ]

    def __str__(self) -> str:
        # Chinese writes the number in characters (第十四批), other languages in digits (batch 14).
        chinese = (get_language() or "zh").startswith("zh")
        ordinal = chinese_ordinal(self.number) if chinese else str(self.number)
        return _("%(city)s第%(ordinal)s批") % {"city": self.city.name, "ordinal": ordinal}

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    def clean(self):
        if self.city_id and self.city.level != RegionLevel.CITY:
            raise ValidationError({"city": _("批次所属城市须为地级市")})


class Group(BaseModel):
    """支团: the batch's group serving one district or county-level city."""

    batch = models.ForeignKey(Batch, verbose_name=_("批次"), on_delete=models.PROTECT, related_name="groups")
    name = models.CharField(_("支团名称"), max_length=40)
    district = models.ForeignKey(
        "core.Region", verbose_name=_("服务地区"), on_delete=models.PROTECT, related_name="groups"
    )

    class Meta:
        verbose_name = _("支团")
        verbose_name_plural = _("支团")
        ordering = ["batch", "id"]
        constraints = [models.UniqueConstraint(fields=["batch", "name"], name="group_unique_name_in_batch")]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.district_id and self.district.level != RegionLevel.DISTRICT:
            raise ValidationError({"district": _("支团服务地区须为区或县级市")})


class Member(BaseModel):
    """A person in the program, independent of any login account and of any one batch."""

    name = models.CharField(_("姓名"), max_length=60)
    gender = models.CharField(_("性别"), max_length=2, choices=Gender.choices, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    email = models.EmailField(_("邮箱"), blank=True)
    expertise = models.TextField(_("专业特长"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member",
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        verbose_name = _("团员")
        verbose_name_plural = _("团员")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Tenure(BaseModel):
    """任职: a member serving in one batch and group, with role, home unit and the local post."""

    member = models.ForeignKey(Member, verbose_name=_("团员"), on_delete=models.PROTECT, related_name="tenures")
    batch = models.ForeignKey(Batch, verbose_name=_("批次"), on_delete=models.PROTECT, related_name="tenures")
    group = models.ForeignKey(Group, verbose_name=_("支团"), on_delete=models.PROTECT, related_name="tenures")
    role = models.CharField(_("团内职务"), max_length=4, choices=TenureRole.choices, default=TenureRole.MEMBER)
    dispatch_unit = models.ForeignKey(
        DispatchUnit, verbose_name=_("派出单位"), on_delete=models.PROTECT, related_name="tenures"
    )
    home_post = models.CharField(_("派出单位职务"), max_length=60, blank=True)
    local_post = models.CharField(
        _("挂职职务"), max_length=60, blank=True, help_text=_("如 副镇长、管委会副主任、科技副总")
    )
    local_region = models.ForeignKey(
        "core.Region", verbose_name=_("挂职地"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    start_date = models.DateField(_("任职开始"))
    end_date = models.DateField(_("任职结束"), null=True, blank=True)

    class Meta:
        verbose_name = _("任职")
        verbose_name_plural = _("任职")
        ordering = ["batch", "group", "id"]
        constraints = [models.UniqueConstraint(fields=["member", "batch"], name="tenure_one_per_member_batch")]

    def __str__(self) -> str:
        return f"{self.member} · {self.group} · {self.role}"

    def clean(self):
        _check_group_in_batch(self)


class CreditedRecord(Withdrawable, BaseModel):
    """A piece of work credited to a batch, one group and one or more members, on a date.

    A figure belongs to the batch and group in which its work happened; a record shared by
    several members is credited to each of them but counted once for the group.
    """

    batch = models.ForeignKey(
        Batch, verbose_name=_("批次"), on_delete=models.PROTECT, related_name="%(app_label)s_%(class)s_set"
    )
    group = models.ForeignKey(
        Group, verbose_name=_("支团"), on_delete=models.PROTECT, related_name="%(app_label)s_%(class)s_set"
    )
    members = models.ManyToManyField(
        Member, verbose_name=_("团员"), blank=True, related_name="%(app_label)s_%(class)s_set"
    )
    date = models.DateField(_("日期"), db_index=True)
    note = models.TextField(_("备注"), blank=True)

    class Meta(Withdrawable.Meta):
        abstract = True
        ordering = ["-date", "-id"]
        # The scorecard's cells are kept per batch, group and day: each write recounts its day's cells
        # through the first index (named per table by Django). The second serves a list of one batch's
        # records newest first (``?batch=``) without reading every later batch's rows by date
        # (docs/decisions/0028-the-province-at-scale.md, "List pages at scale").
        indexes = [models.Index(fields=["batch", "group", "date"]), models.Index(fields=["batch", "date", "id"])]

    def clean(self):
        _check_group_in_batch(self)
        if self.batch_id and self.date and not self.batch.start_date <= self.date <= self.batch.end_date:
            raise ValidationError({"date": _("日期不在批次期限内")})
        clock.check_not_future(self, "date")


def _check_group_in_batch(record) -> None:
    if record.group_id and record.batch_id and record.group.batch_id != record.batch_id:
        raise ValidationError({"group": _("支团不属于该批次")})

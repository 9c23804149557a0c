from django.db import models
from django.utils.translation import gettext_lazy as _

from techmayor.core import clock
from techmayor.core.models import BaseModel

from .choices import AchievementKind, AchievementStage, PlatformKind, UniversityLevel

# Digits 3–4 of the Ministry of Education's 学校标识码 are the GB/T 2260 province code.
PROVINCE_CODES = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
    "21": "辽宁省", "22": "吉林省", "23": "黑龙江省", "31": "上海市", "32": "江苏省",
    "33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省", "37": "山东省",
    "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区",
    "46": "海南省", "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省",
    "54": "西藏自治区", "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区", "71": "台湾省", "81": "香港特别行政区", "82": "澳门特别行政区",
}  # fmt: skip


class University(BaseModel):
    """A university on the Ministry of Education's list (全国普通高等学校名单)."""

    code = models.CharField(_("学校标识码"), max_length=10, unique=True)
    name = models.CharField(_("学校名称"), max_length=100, db_index=True)
    authority = models.CharField(_("主管部门"), max_length=60, blank=True)
    location = models.CharField(_("所在地"), max_length=40, blank=True)
    level = models.CharField(_("办学层次"), max_length=4, choices=UniversityLevel.choices, blank=True)
    remark = models.CharField(_("备注"), max_length=60, blank=True)
    province_code = models.CharField(_("省份代码"), max_length=2, db_index=True, editable=False)

    class Meta:
        verbose_name = _("高校")
        verbose_name_plural = _("高校")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def province(self) -> str:
        return PROVINCE_CODES.get(self.province_code, "")

    def derive_province(self) -> None:
        """The province code is digits 3–4 of the 学校标识码 (kept by ``save()``; bulk writers call it)."""
        self.province_code = self.code[2:4]

    def save(self, *args, **kwargs):
        self.derive_province()
        super().save(*args, **kwargs)


class Expert(BaseModel):
    """An expert at a university or institute. In the demo: pseudonymous, profiled by real achievements."""

    name = models.CharField(_("姓名"), max_length=60)
    title = models.CharField(_("职称"), max_length=40, blank=True)
    university = models.ForeignKey(
        University, verbose_name=_("所在高校"), null=True, blank=True, on_delete=models.PROTECT, related_name="experts"
    )
    organization = models.CharField(_("所在机构"), max_length=120, blank=True, help_text=_("院系或科研院所"))
    disciplines = models.JSONField(_("学科"), default=list, blank=True)
    bio = models.TextField(_("简介"), blank=True)
    email = models.EmailField(_("邮箱"), blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("已合并到"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
        editable=False,
        help_text=_("合并重复专家后，被合并的一条留作记录，指向保留的专家"),
    )

    class Meta:
        verbose_name = _("专家")
        verbose_name_plural = _("专家")
        ordering = ["id"]

    def __str__(self) -> str:
        where = self.university.name if self.university_id else self.organization
        return _("%(name)s（%(where)s）") % {"name": self.name, "where": where} if where else self.name


class Achievement(BaseModel):
    """A research result: a paper, a patent or a technology offer; its external id is kept."""

    kind = models.CharField(_("类型"), max_length=10, choices=AchievementKind.choices)
    external_id = models.CharField(_("外部编号"), max_length=80)
    title = models.CharField(_("标题"), max_length=500)
    abstract = models.TextField(_("摘要/正文"), blank=True)
    keywords = models.JSONField(_("关键词"), default=list, blank=True)
    discipline = models.CharField(_("学科"), max_length=60, blank=True)
    category = models.CharField(_("门类"), max_length=30, blank=True)
    ipc = models.JSONField(_("IPC 分类"), default=list, blank=True)
    year = models.PositiveSmallIntegerField(_("年份"), null=True, blank=True)
    stage = models.CharField(
        _("成熟度"),
        max_length=10,
        choices=AchievementStage.choices,
        blank=True,
        default="",
        db_default="",  # the corpus importer inserts rows in bulk without naming the column
        db_index=True,
        help_text=_("按技术就绪度（TRL）：1–4级为实验室/小试，5–6级为中试，7–9级为产业化；不清楚的留空"),
    )
    university = models.ForeignKey(
        University, verbose_name=_("高校"), null=True, blank=True, on_delete=models.PROTECT, related_name="achievements"
    )
    experts = models.ManyToManyField(Expert, verbose_name=_("专家"), blank=True, related_name="achievements")
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        verbose_name = _("科技成果")
        verbose_name_plural = _("科技成果")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["kind", "external_id"], name="achievement_unique_external")]

    def __str__(self) -> str:
        return self.title[:60]


class Platform(BaseModel):
    """A science and innovation platform (科创平台): a university's institute, a joint lab …"""

    name = models.CharField(_("平台名称"), max_length=150, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=PlatformKind.choices, default=PlatformKind.OTHER)
    university = models.ForeignKey(
        University,
        verbose_name=_("依托高校"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="platforms",
    )
    region = models.ForeignKey(
        "core.Region", verbose_name=_("所在地"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    established_on = models.DateField(_("成立日期"), null=True, blank=True)
    description = models.TextField(_("简介"), blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        verbose_name = _("科创平台")
        verbose_name_plural = _("科创平台")
        ordering = ["id"]

    def clean(self):
        clock.check_not_future(self, "established_on")

    def __str__(self) -> str:
        return self.name

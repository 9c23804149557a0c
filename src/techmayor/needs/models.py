import datetime as dt

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from techmayor.core import clock
from techmayor.core.limits import WAN as WAN_RANGE
from techmayor.core.limits import count_validators, in_range, wan_in_range
from techmayor.core.models import BaseModel, Withdrawable
from techmayor.core.text import normalize_company_name
from techmayor.roster.models import CreditedRecord

from .choices import CollaboratorStatus, LeadSource, LeadStatus, NeedKind, NeedState, Urgency
from .state_machine import rank

WAN = {**WAN_RANGE, "default": 0}

# A claimed need with no progress for this long is flagged stale (computed, never stored).
STALE_AFTER = dt.timedelta(days=30)


class Lead(Withdrawable, BaseModel):
    """线索: the raw text of a need as it arrived, with its source. Kept forever, never edited."""

    source = models.CharField(_("来源"), max_length=10, choices=LeadSource.choices)
    reference = models.CharField(_("受理编号"), max_length=24, unique=True)
    raw_text = models.TextField(_("原始内容"))
    title = models.CharField(_("标题"), max_length=200, blank=True)
    enterprise_name = models.CharField(_("企业名称（原文）"), max_length=150, blank=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leads",
    )
    contact_name = models.CharField(_("联系人"), max_length=60, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    region = models.ForeignKey(
        "core.Region",
        verbose_name=_("所属镇（街道）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    visit = models.ForeignKey(
        "ledger.Visit",
        verbose_name=_("来自走访"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leads",
    )
    status = models.CharField(_("处理状态"), max_length=10, choices=LeadStatus.choices, default=LeadStatus.NEW)
    status_reason = models.CharField(_("不予受理原因"), max_length=300, blank=True)
    enterprise_key = models.CharField(
        _("企业名称（规范化）"), max_length=150, blank=True, db_index=True, editable=False
    )
    consent_at = models.DateTimeField(_("同意信息使用时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("需求线索")
        verbose_name_plural = _("需求线索")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.reference} {self.title or self.raw_text[:30]}"

    def save(self, *args, **kwargs):
        name = self.enterprise_name or (self.enterprise.name if self.enterprise_id else "")
        self.enterprise_key = normalize_company_name(name)[:150]
        super().save(*args, **kwargs)


class IntakeChannel(BaseModel):
    """The public intake page of one town: a stable link (and QR code) enterprises use without logging in."""

    region = models.OneToOneField(
        "core.Region", verbose_name=_("镇（街道）"), on_delete=models.PROTECT, related_name="intake_channel"
    )
    token = models.CharField(_("链接标识"), max_length=32, unique=True, editable=False)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("需求征集入口")
        verbose_name_plural = _("需求征集入口")
        ordering = ["region__code", "region__name"]

    def __str__(self) -> str:
        return _("%(region)s 需求征集入口") % {"region": self.region}


class Need(CreditedRecord):
    """企业需求 (条/项): credited to the batch, group and members who collected it, on its date."""

    lead = models.ForeignKey(
        Lead, verbose_name=_("来源线索"), null=True, blank=True, on_delete=models.PROTECT, related_name="needs"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="needs"
    )
    region = models.ForeignKey(
        "core.Region",
        verbose_name=_("所属镇（街道）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("需求标题"), max_length=200)
    description = models.TextField(_("需求描述"))
    kind = models.CharField(_("需求类型"), max_length=20, choices=NeedKind.choices, default=NeedKind.TECHNOLOGY)
    urgency = models.CharField(_("紧急程度"), max_length=20, choices=Urgency.choices, default=Urgency.NORMAL)
    is_bottleneck = models.BooleanField(_("卡脖子"), default=False)
    industry = models.ForeignKey(
        "core.Industry", verbose_name=_("所属行业"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("状态"), max_length=24, choices=NeedState.choices, default=NeedState.PENDING, db_index=True
    )
    owner = models.ForeignKey(
        "roster.Member",
        verbose_name=_("负责人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_needs",
    )
    collaborators = models.ManyToManyField(
        "roster.Member",
        verbose_name=_("协同人"),
        through="NeedCollaborator",
        blank=True,
        related_name="collaborating_needs",
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("合并至"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_duplicates",
    )
    # Set by the handover (decision 0021) on every need still open when its batch closes: the need stays
    # credited to the batch where it was collected, and is worked on under the rules of the batch it was
    # carried into (its members claim it, its owner reports progress) instead of freezing with the old one.
    carried_into = models.ForeignKey(
        "roster.Batch",
        verbose_name=_("交接至批次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="carried_needs",
    )
    solution = models.TextField(_("解决方案"), blank=True)
    state_reason = models.CharField(_("最近退回/取消原因"), max_length=300, blank=True)
    last_progress_at = models.DateTimeField(_("最近进展"), null=True, blank=True)
    completed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    # The furthest step of the main path (``state_machine.MAIN_PATH``, by index) the need has held, now or
    # before: the need funnel's "reached". Kept by ``save()``: every state a need holds is saved once.
    reached = models.PositiveSmallIntegerField(_("曾到达的最远环节"), default=0, editable=False)
    attachments = GenericRelation("core.Attachment")

    class Meta(CreditedRecord.Meta):
        verbose_name = _("企业需求")
        verbose_name_plural = _("企业需求")

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.reached = max(self.reached, rank(self.state))
        fields = kwargs.get("update_fields")
        if fields is not None and "state" in fields:
            kwargs["update_fields"] = {*fields, "reached"}
        super().save(*args, **kwargs)

    @property
    def is_stale(self) -> bool:
        """Claimed, and no progress for 30 days (claiming counts as the first progress)."""
        return (
            self.state == NeedState.CLAIMED
            and self.last_progress_at is not None
            and self.last_progress_at < clock.now() - STALE_AFTER
        )

    @property
    def working_batch(self):
        """The batch whose rules the need is worked under: the one it was carried into by a handover,
        else its own."""
        return self.carried_into if self.carried_into_id else self.batch

    @property
    def working_batch_id(self) -> int:
        return self.carried_into_id or self.batch_id

    def serves_on(self, member) -> bool:
        """Whether ``member`` serves in the batch the need is worked under (a member who left at the
        handover no longer claims or joins the needs it carried on)."""
        return member.tenures.filter(batch_id=self.working_batch_id).exists()

    @property
    def is_read_only(self) -> bool:
        return self.state in (NeedState.MERGED, NeedState.CANCELLED)


class NeedCollaborator(BaseModel):
    need = models.ForeignKey(Need, verbose_name=_("需求"), on_delete=models.CASCADE, related_name="collaborator_links")
    member = models.ForeignKey("roster.Member", verbose_name=_("团员"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=CollaboratorStatus.choices)

    class Meta:
        verbose_name = _("需求协同人")
        verbose_name_plural = _("需求协同人")
        constraints = [models.UniqueConstraint(fields=["need", "member"], name="need_collaborator_unique")]

    def __str__(self) -> str:
        return f"{self.member} · {self.get_status_display()}"


class NeedTransition(models.Model):
    """The need's timeline: every state change with who, when and why."""

    need = models.ForeignKey(Need, verbose_name=_("需求"), on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(_("操作"), max_length=24)
    from_state = models.CharField(_("原状态"), max_length=24, choices=NeedState.choices)
    to_state = models.CharField(_("新状态"), max_length=24, choices=NeedState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField(_("说明"), max_length=300, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    # How long the need had held ``from_state`` when it left it, in tenths of a day (from the previous
    # step of its timeline, or from its creation): the need funnel's stays. Kept by ``services.need_transition``.
    stay_tenths = models.PositiveIntegerField(_("停留时长（0.1天）"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("需求流转记录")
        verbose_name_plural = _("需求流转记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_from_state_display()} → {self.get_to_state_display()}"


class ProgressEntry(BaseModel):
    need = models.ForeignKey(Need, verbose_name=_("需求"), on_delete=models.CASCADE, related_name="progress_entries")
    member = models.ForeignKey("roster.Member", verbose_name=_("填报人"), on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("日期"))
    current_status = models.TextField(_("当前进展"))
    next_step = models.TextField(_("下一步"), blank=True)
    attachments = GenericRelation("core.Attachment")

    class Meta:
        verbose_name = _("需求进展")
        verbose_name_plural = _("需求进展")
        ordering = ["-date", "-id"]

    def clean(self):
        clock.check_not_future(self, "date")

    def __str__(self) -> str:
        return f"{self.date} {self.current_status[:30]}"


class OutcomeRound(BaseModel):
    """成效: one round of outcomes after completion, as increments (never a running total)."""

    need = models.ForeignKey(Need, verbose_name=_("需求"), on_delete=models.PROTECT, related_name="outcome_rounds")
    date = models.DateField(_("日期"))
    signed_amount_wan = models.DecimalField(_("新增签约金额(万元)"), **WAN)
    received_amount_wan = models.DecimalField(_("新增到账金额(万元)"), **WAN)
    investment_wan = models.DecimalField(_("新增投资(万元)"), **WAN)
    talents = models.PositiveIntegerField(_("新增人才(人)"), default=0, validators=count_validators())
    patents = models.PositiveIntegerField(_("新增专利(项)"), default=0, validators=count_validators())
    description = models.TextField(_("说明"), blank=True)
    is_approved = models.BooleanField(_("已审核"), default=False)
    approved_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("成效")
        verbose_name_plural = _("成效")
        ordering = ["date", "id"]
        constraints = [
            wan_in_range("signed_amount_wan", name="outcomeround_signed_amount_wan_range"),
            wan_in_range("received_amount_wan", name="outcomeround_received_amount_wan_range"),
            wan_in_range("investment_wan", name="outcomeround_investment_wan_range"),
            in_range("talents", name="outcomeround_talents_range"),
            in_range("patents", name="outcomeround_patents_range"),
        ]

    def clean(self):
        clock.check_not_future(self, "date")

    def __str__(self) -> str:
        return f"{self.need} {self.date}"


class NeedPolicy(BaseModel):
    """哪项政策有帮助: a policy of the library linked to a need, with how it helps. Removing the link
    hides it (kept for the audit trail); linking the same policy again shows it once more."""

    need = models.ForeignKey(Need, verbose_name=_("需求"), on_delete=models.CASCADE, related_name="policy_links")
    policy = models.ForeignKey(
        "policies.Policy", verbose_name=_("政策"), on_delete=models.PROTECT, related_name="need_links"
    )
    note = models.CharField(_("如何有帮助"), max_length=200, blank=True)
    is_removed = models.BooleanField(_("已移除"), default=False)

    class Meta:
        verbose_name = _("需求关联政策")
        verbose_name_plural = _("需求关联政策")
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["need", "policy"], name="need_policy_unique")]

    def __str__(self) -> str:
        return f"{self.need} ↔ {self.policy}"

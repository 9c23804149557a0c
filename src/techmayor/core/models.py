from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    """Every record knows when it was created and changed, and by whom."""

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("更新人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        abstract = True


class WithdrawableQuerySet(models.QuerySet):
    def withdrawn(self):
        return self.filter(withdrawn_at__isnull=False)


class LiveManager(models.Manager.from_queryset(WithdrawableQuerySet)):
    """The default manager of a withdrawable model: withdrawn records are not there.

    Every ``Model.objects`` query, related manager (``enterprise.visits``), prefetch, ModelForm
    choice and the scorecard's figures read through it, so no list or figure has to remember the
    filter. ``Model.all_objects`` sees withdrawn records too (history, restore, the admin)."""

    def get_queryset(self):
        return super().get_queryset().filter(withdrawn_at__isnull=True)


class Withdrawable(models.Model):
    """A record that can be withdrawn (作废) with a reason and restored; never physically deleted.

    Withdrawing sets the three fields (``core.services.withdraw_record``); the record then leaves
    every list, export, drill-down, match and figure, and stays in the audit trail. Decision record:
    docs/decisions/0016-withdrawal.md."""

    withdrawn_at = models.DateTimeField(_("作废时间"), null=True, blank=True, editable=False, db_index=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作废人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    withdrawn_reason = models.CharField(_("作废原因"), max_length=300, blank=True, editable=False)

    objects = LiveManager()
    all_objects = models.Manager.from_queryset(WithdrawableQuerySet)()

    class Meta:
        abstract = True

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


def live_related(path: str) -> models.Q:
    """A join to withdrawable records that exist and are not withdrawn: the default manager filters
    ``Model.objects``, but a lookup across a relation (``agreements__receipts``) joins the table
    itself, so filters and annotations through one say so with this."""
    parts = path.split("__")
    q = models.Q()
    for i in range(1, len(parts) + 1):
        prefix = "__".join(parts[:i])
        q &= models.Q(**{f"{prefix}__isnull": False, f"{prefix}__withdrawn_at__isnull": True})
    return q


class AuditAction(models.TextChoices):
    CREATE = "create", _("新建")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    WITHDRAW = "withdraw", _("作废")
    RESTORE = "restore", _("恢复")
    TRANSITION = "transition", _("状态变更")
    IMPORT = "import", _("导入")
    EXPORT = "export", _("导出")
    DOWNLOAD = "download", _("下载附件")


class AuditLog(models.Model):
    """One row per change: who, when, what, and the record before and after.

    Written by services (never by signals), so CLI, import and web writes are all recorded.
    """

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_logs",
    )
    source = models.CharField(
        _("来源"), max_length=40, default="system", help_text="web / api / cli / import / admin / demo"
    )
    action = models.CharField(_("操作"), max_length=20, choices=AuditAction.choices)
    model = models.CharField(_("对象类型"), max_length=80, db_index=True)
    object_id = models.CharField(_("对象编号"), max_length=64, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=255)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("操作记录")
        verbose_name_plural = _("操作记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["model", "object_id"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.model}#{self.object_id}"

    @property
    def changed_fields(self) -> list[str]:
        before, after = self.before or {}, self.after or {}
        return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("地级市")
    DISTRICT = "district", _("区/县级市")
    TOWN = "town", _("镇/街道")
    PARK = "park", _("园区")


class Region(models.Model):
    """City → district / county-level city → town / street / park."""

    name = models.CharField(_("名称"), max_length=60)
    level = models.CharField(_("层级"), max_length=10, choices=RegionLevel.choices)
    code = models.CharField(_("区划代码"), max_length=12, blank=True, help_text=_("国家统计局统计用区划代码（已知时）"))
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        verbose_name = _("行政区域")
        verbose_name_plural = _("行政区域")
        ordering = ["code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="region_unique_name_in_parent"),
            models.UniqueConstraint(
                fields=["name"], condition=models.Q(parent__isnull=True), name="region_unique_root_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def ancestor(self, level: str) -> Region | None:
        """This region or the nearest one above it at ``level`` (e.g. a town's district), else None."""
        node = self
        while node is not None and node.level != level:
            node = node.parent
        return node

    @property
    def full_name(self) -> str:
        parts, node = [], self
        while node is not None:
            parts.append(node.name)
            node = node.parent
        return "".join(reversed(parts))


class Industry(models.Model):
    """GB/T 4754-2017 国民经济行业分类: 门类 (A) → 大类 (13) → 中类 (131) → 小类 (1311)."""

    code = models.CharField(_("行业代码"), max_length=8, unique=True)
    level = models.PositiveSmallIntegerField(_("层级"), help_text=_("1 门类, 2 大类, 3 中类, 4 小类"))
    section = models.CharField(_("门类"), max_length=1)
    name = models.CharField(_("名称"), max_length=120)
    note = models.TextField(_("说明"), blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        verbose_name = _("国民经济行业")
        verbose_name_plural = _("国民经济行业")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", _("照片")
    AGREEMENT = "agreement", _("协议文本")
    PROGRESS = "progress", _("进展材料")
    COMPLETION = "completion", _("办结材料")
    OTHER = "other", _("其他")


def attachment_upload_to(instance: Attachment, filename: str) -> str:
    """A name the user never chooses: ``attachments/2022/01/<random>.pdf`` (the original name is kept in a field)."""
    from django.utils import timezone

    now = timezone.localtime()
    return f"attachments/{now:%Y}/{now:%m}/{filename}"


class Attachment(BaseModel):
    """A file attached to any record (a visit's photos, a signed agreement, a progress report).

    Stored through Django's storage API under a random name; served only by
    ``core:attachment_download``, which checks that the user's scope covers the record it is
    attached to (see ``core.attachments``). Never deleted, only marked removed.
    """

    content_type = models.ForeignKey(
        "contenttypes.ContentType", verbose_name=_("对象类型"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(_("对象编号"))
    target = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(_("类别"), max_length=12, choices=AttachmentKind.choices, default=AttachmentKind.OTHER)
    file = models.FileField(_("文件"), upload_to=attachment_upload_to, max_length=255)
    original_name = models.CharField(_("原文件名"), max_length=200)
    mime_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    is_removed = models.BooleanField(_("已移除"), default=False)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.mime_type.startswith("image/")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class Job(models.Model):
    """One background job (an index build, a bulk refresh …) as users see it: who started it,
    its progress and its outcome. The work itself runs in the job queue (``core.jobs``)."""

    kind = models.CharField(_("类型"), max_length=40, db_index=True)
    label = models.CharField(_("名称"), max_length=100)
    status = models.CharField(_("状态"), max_length=8, choices=JobStatus.choices, default=JobStatus.QUEUED)
    done = models.PositiveIntegerField(_("已完成"), default=0)
    total = models.PositiveIntegerField(_("总数"), null=True, blank=True)
    message = models.CharField(_("说明"), max_length=300, blank=True)
    # The language of whoever started the job: its messages are written in it (the worker has none).
    language = models.CharField(_("语言"), max_length=16, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("最近更新"), auto_now=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return _("%(label)s（%(status)s）") % {"label": self.shown_label, "status": self.get_status_display()}

    @property
    def shown_label(self) -> str:
        """The label in the reader's language (labels are msgids marked with ``gettext_noop``)."""
        return gettext(self.label)

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def fraction(self) -> float | None:
        """Share done in [0, 1] when the total is known (a real count, for the progress bar)."""
        if not self.total:
            return None
        return min(1.0, self.done / self.total)


class Submission(models.Model):
    """One use of a create form's one-time key (``core.submissions``): the same form posted twice
    (a double click, a resent request) creates once and then leads to what the first post made."""

    key = models.CharField(_("提交标识"), max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    result_url = models.CharField(_("结果地址"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("表单提交")
        verbose_name_plural = _("表单提交")

    def __str__(self) -> str:
        return self.key

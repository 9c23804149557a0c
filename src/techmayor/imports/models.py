from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportLog(models.Model):
    """One import of a file: who, when, which file (name and SHA-256), what kind, what it did.

    ``created`` lists the records it created (``{"ledger.visit": [ids …]}``) and ``changed`` the records
    it updated with their values before (``[[model, id, before], …]``), so an administrator can roll the
    whole import back within its batch (``imports.services.import_rollback``).
    """

    kind = models.CharField(_("导入类型"), max_length=20)
    file_name = models.CharField(_("文件名"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    batch = models.ForeignKey(
        "roster.Batch", verbose_name=_("批次"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("导入时间"), auto_now_add=True, db_index=True)
    source = models.CharField(_("来源"), max_length=10, default="web", help_text="web / cli")
    rows = models.PositiveIntegerField(_("数据行"), default=0)
    created_count = models.PositiveIntegerField(_("新增"), default=0)
    updated_count = models.PositiveIntegerField(_("更新"), default=0)
    unchanged_count = models.PositiveIntegerField(_("未变"), default=0)
    skipped_count = models.PositiveIntegerField(_("跳过"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    created = models.JSONField(_("新增记录"), default=dict, blank=True)
    changed = models.JSONField(_("修改记录"), default=list, blank=True)
    rolled_back_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    rolled_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤销人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("导入记录")
        verbose_name_plural = _("导入记录")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name}（{self.kind}）"

    @property
    def kind_label(self) -> str:
        from .engine import kinds

        kind = kinds.get(self.kind)
        return kind.label if kind is not None else self.kind

    @property
    def created_total(self) -> int:
        return sum(len(ids) for ids in (self.created or {}).values())


class ImportLayout(models.Model):
    """A column mapping a user confirmed for a file layout (the header row's digest), reused next time."""

    kind = models.CharField(_("导入类型"), max_length=20)
    digest = models.CharField(_("表头摘要"), max_length=64)
    header = models.JSONField(_("表头"), default=list)
    mapping = models.JSONField(_("列对应"), default=dict)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("更新人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("导入表头对应")
        verbose_name_plural = _("导入表头对应")
        constraints = [models.UniqueConstraint(fields=["kind", "digest"], name="import_layout_unique")]

    def __str__(self) -> str:
        return f"{self.kind} {self.digest[:8]}"

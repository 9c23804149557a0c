"""Targets (目标责任书): what a batch, a group or one member promised for a scorecard figure.

A target is one number for one scorecard metric (``scorecard.metrics.SCORECARD_METRICS``) over the
whole batch, one group, or one member of a group. It is revised in place with a reason; its history
is the audit trail (``core.history``), where every revision's reason is the note.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from techmayor.core.models import BaseModel


def metric_choices() -> list[tuple[str, str]]:
    from techmayor.scorecard.metrics import SCORECARD_METRICS

    return [(m.code, f"{m.name}（{m.unit}）") for m in SCORECARD_METRICS]


class Target(BaseModel):
    batch = models.ForeignKey("roster.Batch", verbose_name=_("批次"), on_delete=models.PROTECT, related_name="targets")
    metric = models.CharField(_("指标"), max_length=40)
    group = models.ForeignKey(
        "roster.Group", verbose_name=_("支团"), null=True, blank=True, on_delete=models.PROTECT, related_name="targets"
    )
    member = models.ForeignKey(
        "roster.Member", verbose_name=_("团员"), null=True, blank=True, on_delete=models.PROTECT, related_name="targets"
    )
    value = models.DecimalField(_("目标值"), max_digits=16, decimal_places=4)
    reason = models.CharField(_("调整原因"), max_length=200, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        verbose_name = _("目标")
        verbose_name_plural = _("目标")
        ordering = ["batch", "group", "member", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "metric"],
                condition=Q(group__isnull=True, member__isnull=True),
                name="target_unique_batch_metric",
            ),
            models.UniqueConstraint(
                fields=["batch", "metric", "group"],
                condition=Q(group__isnull=False, member__isnull=True),
                name="target_unique_group_metric",
            ),
            models.UniqueConstraint(
                fields=["batch", "metric", "member"],
                condition=Q(member__isnull=False),
                name="target_unique_member_metric",
            ),
            models.CheckConstraint(condition=Q(value__gt=0), name="target_value_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.scope_label} · {self.metric_label}"

    @property
    def metric_obj(self):
        from techmayor.scorecard.metrics import METRICS

        return METRICS.get(self.metric)

    @property
    def metric_label(self) -> str:
        m = self.metric_obj
        return m.heading if m is not None else self.metric

    @property
    def scope_label(self) -> str:
        if self.member_id:
            return f"{self.group} · {self.member}"
        return str(self.group) if self.group_id else str(_("全批次"))

    def clean(self):
        from techmayor.scorecard.metrics import METRICS, SCORECARD_METRICS

        if self.metric not in METRICS or METRICS[self.metric] not in SCORECARD_METRICS:
            raise ValidationError({"metric": _("不是成绩单上的指标：%(code)s") % {"code": self.metric}})
        if self.group_id and self.batch_id and self.group.batch_id != self.batch_id:
            raise ValidationError({"group": _("支团不属于该批次")})
        if self.member_id and not self.group_id:
            raise ValidationError({"member": _("团员目标须指定其所在支团")})
        if self.member_id and self.group_id:
            from techmayor.roster.models import Tenure

            if not Tenure.objects.filter(member_id=self.member_id, group_id=self.group_id).exists():
                raise ValidationError({"member": _("该团员不在这个支团任职")})
        if self.value is not None and self.value <= 0:
            raise ValidationError({"value": _("目标值须大于0")})


class TargetSetting(BaseModel):
    """A city's rule for the behind-pace flag: how far below the pace a target may be before it is flagged."""

    city = models.OneToOneField(
        "core.Region", verbose_name=_("城市"), on_delete=models.PROTECT, related_name="target_setting"
    )
    margin = models.PositiveSmallIntegerField(
        _("滞后容差（百分点）"),
        default=10,
        validators=[MaxValueValidator(100)],
        help_text=_("完成比例低于时序进度超过这么多个百分点时，标记为进度滞后"),
    )

    class Meta:
        verbose_name = _("目标进度设置")
        verbose_name_plural = _("目标进度设置")

    def __str__(self) -> str:
        return _("%(city)s 目标进度设置") % {"city": self.city}

from django.db import models
from django.utils.translation import gettext_lazy as _

from techmayor.core.models import BaseModel


class CityDashboard(BaseModel):
    """A city's choices for its dashboards. Without a row, the defaults hold (no ranking)."""

    city = models.OneToOneField(
        "core.Region", verbose_name=_("城市"), on_delete=models.PROTECT, related_name="dashboard_setting"
    )
    show_ranking = models.BooleanField(
        _("显示支团排名"),
        default=False,
        help_text=_("默认不排名（多地的工作要求是“不排名”）；市级管理员可为本市开启"),
    )

    class Meta:
        verbose_name = _("看板设置")
        verbose_name_plural = _("看板设置")

    def __str__(self) -> str:
        return _("%(city)s 看板设置") % {"city": self.city}

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from techmayor.core import clock
from techmayor.core.models import BaseModel

from .choices import PolicyLevel, PolicyValidity

TAG_SEPARATOR = "、"


class Policy(BaseModel):
    """A policy document (政策文件) of the province, a city or a district: who issued it, its number,
    when, how long it applies, what it says; files attached through ``core.attachments``."""

    title = models.CharField(_("政策名称"), max_length=200)
    level = models.CharField(_("层级"), max_length=10, choices=PolicyLevel.choices)
    issuer = models.CharField(_("发文机关"), max_length=150)
    document_number = models.CharField(_("文号"), max_length=80, blank=True)
    issued_on = models.DateField(_("发布日期"))
    valid_from = models.DateField(_("有效期起"), null=True, blank=True)
    valid_to = models.DateField(_("有效期止"), null=True, blank=True, help_text=_("长期有效可不填"))
    # Kept as one text ("人才、研发投入") so that searching a tag is a plain text match on every database.
    tags = models.CharField(_("标签"), max_length=250, blank=True)
    summary = models.TextField(_("主要内容"), blank=True)
    source_url = models.URLField(_("原文链接"), blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        verbose_name = _("政策")
        verbose_name_plural = _("政策")
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.issued_on and self.issued_on > clock.today():
            raise ValidationError({"issued_on": _("发布日期不能晚于今天")})
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("有效期止不能早于有效期起")})

    @property
    def tag_list(self) -> list[str]:
        return [t for t in self.tags.split(TAG_SEPARATOR) if t]

    def validity(self, day: dt.date | None = None) -> str:
        day = day or clock.today()
        if self.valid_from and day < self.valid_from:
            return PolicyValidity.NOT_YET
        if self.valid_to and day > self.valid_to:
            return PolicyValidity.EXPIRED
        return PolicyValidity.VALID

    def get_validity_display(self) -> str:
        return str(PolicyValidity(self.validity()).label)

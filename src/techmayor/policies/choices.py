from django.db import models
from django.utils.translation import gettext_lazy as _


class PolicyLevel(models.TextChoices):
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    DISTRICT = "district", _("区级")


class PolicyValidity(models.TextChoices):
    """Where a policy stands on a day (computed from its dates, not stored)."""

    VALID = "valid", _("有效")
    NOT_YET = "not_yet", _("未生效")
    EXPIRED = "expired", _("已失效")

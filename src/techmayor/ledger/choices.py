from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    MATCHMAKING = "matchmaking", _("产学研专场活动")
    DOCKING = "docking", _("对接活动")
    RECRUITMENT = "recruitment", _("校园招聘")
    OTHER = "other", _("其他活动")


class VisitorKind(models.TextChoices):
    EXPERT = "expert", _("来访专家")
    ENTREPRENEUR = "entrepreneur", _("来访企业家")


class ApplicationKind(models.TextChoices):
    TECHNOLOGY = "technology", _("技术")
    TALENT = "talent", _("人才")
    FUNDING = "funding", _("资金")
    OTHER = "other", _("其他")


class CultivationKind(models.TextChoices):
    HIGH_TECH = "high_tech", _("高新技术企业培育")
    BSE_POTENTIAL = "bse_potential", _("北交所潜力企业挖掘")
    SRDI = "srdi", _("专精特新培育")


class CultivationStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("培育中")
    ACHIEVED = "achieved", _("已认定")

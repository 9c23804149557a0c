from django.db import models


class EventKind(models.TextChoices):
    MATCHMAKING = "matchmaking", "产学研专场活动"
    DOCKING = "docking", "对接活动"
    RECRUITMENT = "recruitment", "校园招聘"
    OTHER = "other", "其他活动"


class VisitorKind(models.TextChoices):
    EXPERT = "expert", "来访专家"
    ENTREPRENEUR = "entrepreneur", "来访企业家"


class ApplicationKind(models.TextChoices):
    TECHNOLOGY = "technology", "技术"
    TALENT = "talent", "人才"
    FUNDING = "funding", "资金"
    OTHER = "other", "其他"


class CultivationKind(models.TextChoices):
    HIGH_TECH = "high_tech", "高新技术企业培育"
    BSE_POTENTIAL = "bse_potential", "北交所潜力企业挖掘"
    SRDI = "srdi", "专精特新培育"


class CultivationStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "培育中"
    ACHIEVED = "achieved", "已认定"

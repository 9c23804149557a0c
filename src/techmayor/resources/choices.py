from django.db import models
from django.utils.translation import gettext_lazy as _


class UniversityLevel(models.TextChoices):
    UNDERGRADUATE = "本科", _("本科")
    VOCATIONAL = "专科", _("专科")


class AchievementKind(models.TextChoices):
    PAPER = "paper", _("论文")
    PATENT = "patent", _("专利")
    OFFER = "offer", _("技术成果")


class PlatformKind(models.TextChoices):
    INSTITUTE = "institute", _("研究院")
    JOINT_LAB = "joint_lab", _("联合实验室")
    RD_CENTER = "rd_center", _("工程技术研究中心")
    WORKSTATION = "workstation", _("专家/院士工作站")
    INCUBATOR = "incubator", _("孵化器/创新中心")
    OTHER = "other", _("其他")

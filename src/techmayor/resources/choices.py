from django.db import models


class UniversityLevel(models.TextChoices):
    UNDERGRADUATE = "本科", "本科"
    VOCATIONAL = "专科", "专科"


class AchievementKind(models.TextChoices):
    PAPER = "paper", "论文"
    PATENT = "patent", "专利"
    OFFER = "offer", "技术成果"


class PlatformKind(models.TextChoices):
    INSTITUTE = "institute", "研究院"
    JOINT_LAB = "joint_lab", "联合实验室"
    RD_CENTER = "rd_center", "工程技术研究中心"
    WORKSTATION = "workstation", "专家/院士工作站"
    INCUBATOR = "incubator", "孵化器/创新中心"
    OTHER = "other", "其他"

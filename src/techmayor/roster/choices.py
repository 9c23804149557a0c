from django.db import models


class TenureRole(models.TextChoices):
    LEADER = "团长", "团长"
    DEPUTY = "副团长", "副团长"
    MEMBER = "团员", "团员"


class DispatchUnitKind(models.TextChoices):
    UNIVERSITY = "university", "高校"
    INSTITUTE = "institute", "科研院所"
    GOVERNMENT = "government", "政府部门"
    ENTERPRISE = "enterprise", "企业"
    OTHER = "other", "其他"


class Gender(models.TextChoices):
    MALE = "男", "男"
    FEMALE = "女", "女"

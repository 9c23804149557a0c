from django.db import models
from django.utils.translation import gettext_lazy as _


class TenureRole(models.TextChoices):
    LEADER = "团长", _("团长")
    DEPUTY = "副团长", _("副团长")
    MEMBER = "团员", _("团员")


class DispatchUnitKind(models.TextChoices):
    UNIVERSITY = "university", _("高校")
    INSTITUTE = "institute", _("科研院所")
    GOVERNMENT = "government", _("政府部门")
    ENTERPRISE = "enterprise", _("企业")
    OTHER = "other", _("其他")


class Gender(models.TextChoices):
    MALE = "男", _("男")
    FEMALE = "女", _("女")

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", _("市级管理员（人才办/科技局）")
    DISTRICT_STAFF = "district_staff", _("区（县级市）工作人员")
    GROUP_LEADER = "group_leader", _("团长/副团长")
    MEMBER = "member", _("团员")
    TOWN_STAFF = "town_staff", _("镇（街道）工作人员")
    LEADER = "leader", _("领导（只读）")
    PROVINCE_ADMIN = "province_admin", _("省级管理员")
    PROVINCE_LEADER = "province_leader", _("省级领导（只读）")

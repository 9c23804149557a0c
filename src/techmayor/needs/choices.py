from django.db import models
from django.utils.translation import gettext_lazy as _


class LeadSource(models.TextChoices):
    VISIT = "visit", _("团员走访")
    TOWN = "town", _("镇（街道）报送")
    ADMIN = "admin", _("管理员录入")
    PUBLIC = "public", _("企业自主提交")


class LeadStatus(models.TextChoices):
    NEW = "new", _("待处理")
    CONVERTED = "converted", _("已转为需求")
    REJECTED = "rejected", _("不予受理")


class NeedKind(models.TextChoices):
    TECHNOLOGY = "technology", _("技术攻关")
    TALENT = "talent", _("人才合作")
    PROJECT = "project", _("项目落地")
    PLATFORM = "platform", _("平台建设")
    OTHER = "other", _("其他")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")
    VERY_URGENT = "very_urgent", _("非常紧急")


class NeedState(models.TextChoices):
    PENDING = "pending", _("待核实")
    VERIFIED = "verified", _("待审核")
    RETURNED = "returned", _("已退回")
    PUBLISHED = "published", _("已发布")
    CLAIMED = "claimed", _("对接中")
    COMPLETION_SUBMITTED = "completion_submitted", _("待验收")
    COMPLETED = "completed", _("已完成")
    CANCELLED = "cancelled", _("已取消")
    MERGED = "merged", _("已合并")


class NeedAction(models.TextChoices):
    VERIFY = "verify", _("核实")
    PUBLISH = "publish", _("审核发布")
    RETURN = "return", _("退回")
    RESUBMIT = "resubmit", _("重新提交")
    CLAIM = "claim", _("认领")
    RELEASE = "release", _("放弃认领")
    SUBMIT_COMPLETION = "submit_completion", _("提交办结")
    APPROVE_COMPLETION = "approve_completion", _("验收通过")
    REJECT_COMPLETION = "reject_completion", _("验收退回")
    CANCEL = "cancel", _("取消")
    MERGE = "merge", _("合并")


class CollaboratorStatus(models.TextChoices):
    INVITED = "invited", _("已邀请")
    REQUESTED = "requested", _("已申请")
    ACTIVE = "active", _("协同中")
    LEFT = "left", _("已退出")

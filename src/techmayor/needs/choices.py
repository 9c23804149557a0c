from django.db import models


class LeadSource(models.TextChoices):
    VISIT = "visit", "团员走访"
    TOWN = "town", "镇（街道）报送"
    ADMIN = "admin", "管理员录入"
    PUBLIC = "public", "企业自主提交"


class LeadStatus(models.TextChoices):
    NEW = "new", "待处理"
    CONVERTED = "converted", "已转为需求"
    REJECTED = "rejected", "不予受理"


class NeedKind(models.TextChoices):
    TECHNOLOGY = "technology", "技术攻关"
    TALENT = "talent", "人才合作"
    PROJECT = "project", "项目落地"
    PLATFORM = "platform", "平台建设"
    OTHER = "other", "其他"


class Urgency(models.TextChoices):
    NORMAL = "normal", "一般"
    URGENT = "urgent", "紧急"
    VERY_URGENT = "very_urgent", "非常紧急"


class NeedState(models.TextChoices):
    PENDING = "pending", "待核实"
    VERIFIED = "verified", "待审核"
    RETURNED = "returned", "已退回"
    PUBLISHED = "published", "已发布"
    CLAIMED = "claimed", "对接中"
    COMPLETION_SUBMITTED = "completion_submitted", "待验收"
    COMPLETED = "completed", "已完成"
    CANCELLED = "cancelled", "已取消"
    MERGED = "merged", "已合并"


class NeedAction(models.TextChoices):
    VERIFY = "verify", "核实"
    PUBLISH = "publish", "审核发布"
    RETURN = "return", "退回"
    RESUBMIT = "resubmit", "重新提交"
    CLAIM = "claim", "认领"
    RELEASE = "release", "放弃认领"
    SUBMIT_COMPLETION = "submit_completion", "提交办结"
    APPROVE_COMPLETION = "approve_completion", "验收通过"
    REJECT_COMPLETION = "reject_completion", "验收退回"
    CANCEL = "cancel", "取消"
    MERGE = "merge", "合并"


class CollaboratorStatus(models.TextChoices):
    INVITED = "invited", "已邀请"
    REQUESTED = "requested", "已申请"
    ACTIVE = "active", "协同中"
    LEFT = "left", "已退出"

from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    """What a reminder is about; each user chooses how each kind reaches them."""

    REVIEW = "review", _("待我核实或审核的线索和需求")
    INVITATION = "invitation", _("协同邀请和协同申请")
    STALE = "stale", _("我负责的需求超过30天、45天未更新")
    APPROVAL = "approval", _("待验收的办结和待审核的成效")
    JOB = "job", _("后台任务完成或失败")


class Delivery(models.TextChoices):
    INBOX = "inbox", _("仅站内消息")
    EMAIL = "email", _("站内消息并发送邮件")
    DIGEST = "digest", _("站内消息，每日邮件汇总")


# How a kind reaches a user who has not chosen: what needs a person's answer soon by e-mail at once,
# the administrators' queues once a day, background jobs only in the inbox (docs/decisions).
DEFAULT_DELIVERY = {
    NotificationKind.REVIEW: Delivery.DIGEST,
    NotificationKind.INVITATION: Delivery.EMAIL,
    NotificationKind.STALE: Delivery.EMAIL,
    NotificationKind.APPROVAL: Delivery.DIGEST,
    NotificationKind.JOB: Delivery.INBOX,
}

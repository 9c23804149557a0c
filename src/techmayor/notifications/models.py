from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .choices import Delivery, NotificationKind


class Notification(models.Model):
    """One reminder to one person. ``key`` names the event (``need:12:verified:34``): a person gets
    each event once, however often it is emitted (the unique constraint is the guarantee).

    The text is kept as its Chinese source (``message``, marked for translation where it is
    emitted) with its values (``params``), and translated when it is shown, so the inbox and the
    e-mail speak the reader's language.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("类别"), max_length=12, choices=NotificationKind.choices)
    key = models.CharField(_("事件标识"), max_length=120)
    message = models.CharField(_("内容"), max_length=300)
    params = models.JSONField(_("内容参数"), default=dict, blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    delivery = models.CharField(_("送达方式"), max_length=8, choices=Delivery.choices)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(_("邮件发送次数"), default=0)
    email_error = models.CharField(_("邮件发送错误"), max_length=300, blank=True)
    # The work it points to was handled (by this person or another): it counts as read and is not e-mailed.
    done_at = models.DateTimeField(_("已处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_event")]
        indexes = [
            # The bell's count on every page: the unread messages of one person.
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            # The e-mail jobs: what is still to send, by how.
            models.Index(fields=["delivery", "emailed_at"], name="notification_to_send"),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        """The message in the active language, with its values."""
        try:
            params = dict(self.params)
            for key in params.pop("_translate", ()):  # values that are msgids themselves (a job's label)
                params[key] = gettext(params[key])
            return gettext(self.message) % params
        except (KeyError, TypeError, ValueError):
            return self.message

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class NotificationPreference(models.Model):
    """How one kind of reminder reaches one person (without a row: ``DEFAULT_DELIVERY``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("类别"), max_length=12, choices=NotificationKind.choices)
    delivery = models.CharField(_("送达方式"), max_length=8, choices=Delivery.choices)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("消息设置")
        verbose_name_plural = _("消息设置")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_kind_display()} · {self.get_delivery_display()}"

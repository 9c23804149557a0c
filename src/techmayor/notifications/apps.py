from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Reminders that reach people: an in-app inbox and e-mail, chosen per kind by each user."""

    name = "techmayor.notifications"
    verbose_name = _("消息提醒")

    def ready(self) -> None:
        from . import checks, receivers  # noqa: F401  (registers the deploy check; connects to job_finished)

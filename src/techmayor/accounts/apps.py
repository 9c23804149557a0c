from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "techmayor.accounts"
    verbose_name = _("账号与权限")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .middleware import SessionIdleTimeoutMiddleware

        user_logged_in.connect(SessionIdleTimeoutMiddleware.touch, dispatch_uid="techmayor.session-idle")

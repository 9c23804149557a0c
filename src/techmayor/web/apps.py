from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "techmayor.web"
    verbose_name = _("界面")

    def ready(self):
        from techmayor.core.registry import registry

        from .records import VIEWS

        registry.set_views(VIEWS)  # the pages of every record kind, added by each app's urls.py

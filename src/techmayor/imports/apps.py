from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "techmayor.imports"
    verbose_name = _("数据导入")

    def ready(self):
        from . import roster  # noqa: F401  (the roster's import kind; the apps above register their own)

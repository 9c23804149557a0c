from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    name = "techmayor.targets"
    verbose_name = _("目标责任")

    def ready(self):
        from . import (
            imports,  # noqa: F401  (registers the import kind ``targets`` in imports.engine)
            reports,  # noqa: F401  (adds the 目标完成情况 sheet and the briefing's target notes)
        )

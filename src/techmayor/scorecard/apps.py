from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScorecardConfig(AppConfig):
    name = "techmayor.scorecard"
    verbose_name = _("创新成绩单")

    def ready(self):
        from . import rollup

        rollup.connect()

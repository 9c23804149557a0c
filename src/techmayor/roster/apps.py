from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RosterConfig(AppConfig):
    name = "techmayor.roster"
    verbose_name = _("镇长团名册")

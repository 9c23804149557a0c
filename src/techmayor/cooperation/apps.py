from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperationConfig(AppConfig):
    name = "techmayor.cooperation"
    verbose_name = _("产学研合作")

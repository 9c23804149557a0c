from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResourcesConfig(AppConfig):
    name = "techmayor.resources"
    verbose_name = _("创新资源")

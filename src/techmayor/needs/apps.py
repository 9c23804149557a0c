from django.apps import AppConfig


class NeedsConfig(AppConfig):
    name = "techmayor.needs"
    verbose_name = "企业需求"

from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "techmayor.resources"
    verbose_name = "创新资源"

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "techmayor.core"
    verbose_name = "基础数据"

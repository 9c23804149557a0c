from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "techmayor.demo"
    verbose_name = "演示数据"

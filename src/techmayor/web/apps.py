from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "techmayor.web"
    verbose_name = "界面"

from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "techmayor.enterprises"
    verbose_name = "企业"

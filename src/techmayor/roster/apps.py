from django.apps import AppConfig


class RosterConfig(AppConfig):
    name = "techmayor.roster"
    verbose_name = "镇长团名册"

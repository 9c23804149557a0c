from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "techmayor.ledger"
    verbose_name = "工作台账"

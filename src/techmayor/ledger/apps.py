from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "techmayor.ledger"
    verbose_name = _("工作台账")

    def ready(self):
        from . import (
            imports,  # noqa: F401  (registers the app's import kinds in imports.engine)
            records,  # noqa: F401  (registers the app's record kinds in core.registry)
        )

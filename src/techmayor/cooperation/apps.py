from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperationConfig(AppConfig):
    name = "techmayor.cooperation"
    verbose_name = _("产学研合作")

    def ready(self):
        from techmayor.core.registry import registry

        from . import (
            imports,  # noqa: F401  (registers the app's import kinds in imports.engine)
            records,  # noqa: F401  (registers the app's record kinds in core.registry)
        )
        from .selectors import withdrawn_receipts

        registry.add_withdrawn_source(withdrawn_receipts)  # withdrawn receipts, for restore

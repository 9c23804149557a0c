from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "techmayor.enterprises"
    verbose_name = _("企业")

    def ready(self):
        from . import (
            imports,  # noqa: F401  (registers the app's import kinds in imports.engine)
            records,  # noqa: F401  (registers the app's record kinds in core.registry)
        )

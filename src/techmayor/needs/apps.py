from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NeedsConfig(AppConfig):
    name = "techmayor.needs"
    verbose_name = _("企业需求")

    def ready(self):
        # Files may be attached to needs (completion material) and progress entries; they are
        # served to the users who may read the need.
        from techmayor.core.attachments import register
        from techmayor.core.registry import registry

        from .models import Need, ProgressEntry
        from .selectors import need_visible, withdrawn_entries
        from .timeline import enterprise_entries

        register(Need, visible=need_visible)
        register(ProgressEntry, visible=lambda user: ProgressEntry.objects.filter(need__in=need_visible(user)))
        registry.add_timeline_source(enterprise_entries)  # needs and leads on an enterprise's timeline
        registry.add_withdrawn_source(withdrawn_entries)  # withdrawn needs and leads, for restore
        from . import imports  # noqa: F401  (registers the app's import kinds in imports.engine)

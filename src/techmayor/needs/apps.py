from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NeedsConfig(AppConfig):
    name = "techmayor.needs"
    verbose_name = _("企业需求")

    def ready(self):
        # Files may be attached to needs (completion material) and progress entries; they are
        # served to the users who may read the need.
        from techmayor.core.attachments import register

        from .models import Need, ProgressEntry
        from .selectors import need_visible

        register(Need, visible=need_visible)
        register(ProgressEntry, visible=lambda user: ProgressEntry.objects.filter(need__in=need_visible(user)))

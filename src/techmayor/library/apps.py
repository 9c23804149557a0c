from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    """The expert library (experts and their results, kept by people) and the reverse direction of
    matching: from a result to the enterprises likely to want it, and the 成果推介 planner."""

    name = "techmayor.library"
    verbose_name = _("专家与成果库")

    def ready(self) -> None:
        from techmayor.core.registry import registry

        from . import imports  # noqa: F401  (registers the experts' and results' import kinds)
        from .views import event_section

        registry.add_detail_section("event", event_section)  # a 成果推介 event's results and invitations

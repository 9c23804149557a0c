from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchmakingConfig(AppConfig):
    """The thin Django layer over the matching engine (``techmayor.matching``, Django-free)."""

    name = "techmayor.matchmaking"
    verbose_name = _("需求匹配")

    def ready(self) -> None:
        from techmayor.core.jobs import register_job_page

        from . import signals  # noqa: F401  (connects the receivers)
        from .services import CORPUS_JOB, INDEX_JOB

        register_job_page(INDEX_JOB, "matchmaking:index")
        register_job_page(CORPUS_JOB, "matchmaking:index")

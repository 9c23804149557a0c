from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "techmayor.policies"
    verbose_name = _("政策库")

    def ready(self):
        from techmayor.core.attachments import register

        from .models import Policy
        from .selectors import policy_list

        # A policy's files (the document as published) are read by whoever reads the library.
        register(Policy, visible=lambda user: policy_list(user=user))

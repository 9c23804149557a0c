from django.db import models
from django.utils.translation import gettext_lazy as _


class AgreementKind(models.TextChoices):
    UNIVERSITY_ENTERPRISE = "校企", _("校企合作")
    UNIVERSITY_LOCAL = "校地", _("校地合作")

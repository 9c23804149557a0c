from django.db import models
from django.utils.translation import gettext_lazy as _


class EnterpriseTagKind(models.TextChoices):
    HIGH_TECH = "high_tech", _("高新技术企业")
    SRDI = "srdi", _("专精特新")
    ABOVE_SCALE = "above_scale", _("规上企业")
    BSE_POTENTIAL = "bse_potential", _("北交所潜力企业")

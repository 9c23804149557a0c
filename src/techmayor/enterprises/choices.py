from django.db import models


class EnterpriseTagKind(models.TextChoices):
    HIGH_TECH = "high_tech", "高新技术企业"
    SRDI = "srdi", "专精特新"
    ABOVE_SCALE = "above_scale", "规上企业"
    BSE_POTENTIAL = "bse_potential", "北交所潜力企业"

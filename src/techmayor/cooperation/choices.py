from django.db import models


class AgreementKind(models.TextChoices):
    UNIVERSITY_ENTERPRISE = "校企", "校企合作"
    UNIVERSITY_LOCAL = "校地", "校地合作"

from django.apps import AppConfig


class CooperationConfig(AppConfig):
    name = "techmayor.cooperation"
    verbose_name = "产学研合作"

from django.apps import AppConfig


class ScorecardConfig(AppConfig):
    name = "techmayor.scorecard"
    verbose_name = "创新成绩单"

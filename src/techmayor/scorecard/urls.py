from django.urls import path

from . import views

app_name = "scorecard"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("drill/<str:code>/", views.drill, name="drill"),
    path("briefing/", views.briefing_view, name="briefing"),
]

from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("ranking/", views.ranking, name="ranking"),
    path("geo/<slug:name>.json", views.geo, name="geo"),
]

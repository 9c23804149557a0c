from django.urls import path

from . import comparison_views, views

app_name = "scorecard"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("export/", views.overview_export, name="overview_export"),
    path("drill/<str:code>/", views.drill, name="drill"),
    path("drill/<str:code>/export/", views.drill_export, name="drill_export"),
    path("ledger/", views.ledger_workbook, name="ledger_workbook"),
    path("briefing/", views.briefing_view, name="briefing"),
    path("compare/", comparison_views.compare, name="compare"),
    path("province/", comparison_views.province, name="province"),
    path("county-ranking/<int:pk>/", comparison_views.county_ranking, name="county_ranking"),
]

from django.urls import path

from . import views

app_name = "ledger"

urlpatterns = [
    path("", views.record_index, name="record_index"),
    path("visits/need-row/", views.visit_need_row, name="visit_need_row"),
    path("visits/duplicates/", views.enterprise_duplicates_check, name="enterprise_duplicates"),
    *views.VISIT.urls("visits/"),
    *views.EVENT.urls("events/"),
    *views.VISITOR.urls("visitors/"),
    *views.REPORT.urls("reports/"),
    *views.TALENT.urls("talents/"),
    *views.PROJECT.urls("projects/"),
    *views.PLATFORM.urls("platforms/"),
    *views.LANDING.urls("landings/"),
    *views.EMPLOYMENT_BASE.urls("employment-bases/"),
    *views.FUND.urls("funds/"),
    *views.APPLICATION.urls("applications/"),
    *views.CULTIVATION.urls("cultivations/"),
    *views.PAIRING.urls("pairings/"),
]

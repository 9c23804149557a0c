from django.urls import path

from techmayor.core.registry import registry

from . import views

app_name = "ledger"

urlpatterns = [
    path("", views.record_index, name="record_index"),
    path("visits/need-row/", views.visit_need_row, name="visit_need_row"),
    path("visits/duplicates/", views.enterprise_duplicates_check, name="enterprise_duplicates"),
    path("visits/new/", views.visit_log, name="visit_create"),  # the quick visit log
    *registry.urls(app_name),  # list / detail / export / create / edit of the kinds in records.py
]

from django.urls import path

from . import views

app_name = "ledger"

# The list / detail / export / create / edit pages of the kinds in records.py are added by
# ``web.records.app_urls`` (config/urls.py).

urlpatterns = [
    path("", views.record_index, name="record_index"),
    path("visits/need-row/", views.visit_need_row, name="visit_need_row"),
    path("visits/duplicates/", views.enterprise_duplicates_check, name="enterprise_duplicates"),
    path("visits/new/", views.visit_log, name="visit_create"),  # the quick visit log
]

from django.urls import path

from . import views

app_name = "cooperation"

# The pages of the kinds in records.py are added by ``web.records.app_urls`` (config/urls.py).

urlpatterns = [
    path("agreements/<int:pk>/receipts/", views.receipt_add, name="receipt_add"),
]

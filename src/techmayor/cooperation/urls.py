from django.urls import path

from techmayor.core.registry import registry

from . import views

app_name = "cooperation"

urlpatterns = [
    path("agreements/<int:pk>/receipts/", views.receipt_add, name="receipt_add"),
    path("agreements/<int:pk>/receipts/<int:rid>/withdraw/", views.receipt_withdraw, name="receipt_withdraw"),
    path("agreements/<int:pk>/receipts/<int:rid>/restore/", views.receipt_restore, name="receipt_restore"),
    *registry.urls(app_name),  # list / detail / export / create / edit of the kinds in records.py
]

from django.urls import path

from . import views

app_name = "cooperation"

urlpatterns = [
    *views.INTENT.urls("intents/"),
    *views.AGREEMENT.urls("agreements/"),
    path("agreements/<int:pk>/receipts/", views.receipt_add, name="receipt_add"),
]

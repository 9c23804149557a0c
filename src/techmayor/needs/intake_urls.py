"""Public pages (no login): each town's need intake form, at a stable link printed as a QR code."""

from django.urls import path

from . import intake_views

app_name = "intake"

urlpatterns = [
    path("<str:token>/", intake_views.intake_form, name="form"),
    path("<str:token>/done/", intake_views.intake_done, name="done"),
]

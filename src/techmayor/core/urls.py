from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("<int:pk>/", views.attachment_download, name="attachment_download"),
    path("<int:pk>/remove/", views.attachment_remove_view, name="attachment_remove"),
]

from django.urls import path

from . import views

app_name = "resources"

urlpatterns = [
    path("platforms/", views.platform_list, name="platform_list"),
    path("platforms/export/", views.platform_export, name="platform_export"),
    path("platforms/new/", views.platform_create, name="platform_create"),
    path("platforms/<int:pk>/", views.platform_detail, name="platform_detail"),
    path("platforms/<int:pk>/edit/", views.platform_edit, name="platform_edit"),
]

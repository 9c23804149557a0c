from django.urls import path

from techmayor.core.registry import registry

from . import views

app_name = "enterprises"

urlpatterns = [
    path("", views.enterprise_list, name="enterprise_list"),
    path("export/", views.enterprise_export, name="enterprise_export"),
    path("new/", views.enterprise_create, name="enterprise_create"),
    path("duplicates/", views.enterprise_duplicates, name="enterprise_duplicates"),
    path("<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="enterprise_edit"),
    path("<int:pk>/contacts/", views.contact_add, name="contact_add"),
    path("<int:pk>/tags/", views.tag_set, name="tag_set"),
    *registry.urls(app_name),  # list / detail / export / create / edit of the kinds in records.py
]

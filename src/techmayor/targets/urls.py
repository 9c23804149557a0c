from django.urls import path

from . import views

app_name = "targets"

urlpatterns = [
    path("", views.target_list, name="target_list"),
    path("set/", views.target_set, name="target_set"),
    path("margin/", views.margin_set, name="margin_set"),
    path("<int:pk>/", views.target_detail, name="target_detail"),
    path("<int:pk>/revise/", views.target_revise, name="target_revise"),
]

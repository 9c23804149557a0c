from django.urls import path

from . import views

app_name = "roster"

urlpatterns = [
    path("groups/", views.group_list, name="group_list"),
    path("groups/<int:pk>/", views.group_detail, name="group_detail"),
    path("members/<int:pk>/", views.member_detail, name="member_detail"),
    path("me/", views.me, name="me"),
    path("batches/<int:pk>/handover/", views.batch_handover, name="batch_handover"),
]

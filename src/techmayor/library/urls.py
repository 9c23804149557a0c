from django.urls import path

from . import views

app_name = "library"

urlpatterns = [
    path("experts/", views.expert_list, name="expert_list"),
    path("experts/new/", views.expert_create, name="expert_create"),
    path("experts/<int:pk>/", views.expert_detail, name="expert_detail"),
    path("experts/<int:pk>/edit/", views.expert_edit, name="expert_edit"),
    path("experts/<int:pk>/merge/", views.expert_merge, name="expert_merge"),
    path("results/", views.achievement_list, name="achievement_list"),
    path("results/export/", views.achievement_export, name="achievement_export"),
    path("results/new/", views.achievement_create, name="achievement_create"),
    path("results/<int:pk>/", views.achievement_detail, name="achievement_detail"),
    path("results/by-id/", views.achievement_by_external_id, name="achievement_by_external_id"),
    path("results/<int:pk>/edit/", views.achievement_edit, name="achievement_edit"),
    path("universities/<int:pk>/", views.university_detail, name="university_detail"),
    path("universities/code/<str:code>/", views.university_by_code, name="university_by_code"),
    path("promotion/", views.planner, name="planner"),
    path("promotion/export/", views.planner_export, name="planner_export"),
    path("promotion/save/", views.planner_save, name="planner_save"),
    path("promotion/events/<int:pk>/export/", views.event_export, name="event_export"),
]

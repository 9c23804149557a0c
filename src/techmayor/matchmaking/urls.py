from django.urls import path

from . import views

app_name = "matchmaking"

urlpatterns = [
    path("search/", views.search, name="search"),
    path("index/", views.index, name="index"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("needs/<int:pk>/", views.need_matches, name="need_matches"),
    path("needs/<int:pk>/feedback/", views.need_feedback, name="need_feedback"),
]

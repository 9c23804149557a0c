from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.index, name="index"),
    path("preview/<str:token>/", views.preview, name="preview"),
    path("<int:pk>/", views.log, name="log"),
    path("<int:pk>/rollback/", views.rollback, name="rollback"),
    path("jobs/<int:pk>/", views.job, name="job"),
]

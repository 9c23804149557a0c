from django.urls import path

from . import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("search/<str:source>/", views.picker_search, name="picker_search"),
    path("withdrawn/", views.withdrawn_list, name="withdrawn_list"),
]

from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.account, name="account"),
    path("tokens/<int:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("audit/", views.audit_log, name="audit_log"),
    path("audit/export/", views.audit_export, name="audit_export"),
]

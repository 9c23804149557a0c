from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from .selectors import demo_accounts
from .services import DEMO_PASSWORD, user_password_change_required, user_password_changed


class LoginForm(AuthenticationForm):
    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if user.is_demo and not settings.DEMO_ACCOUNTS_ALLOWED:
            raise ValidationError(_("演示账号只能在演示环境登录，本系统未允许演示账号。"), code="demo_account")


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        # Outside DEBUG, an allowed demo account still on the public password must change it first.
        if user.is_demo and not settings.DEBUG and form.cleaned_data.get("password") == DEMO_PASSWORD:
            user_password_change_required(user=user, reason="演示账号在非调试环境首次登录")
        return super().form_valid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if settings.DEMO_MODE:
            context["demo_accounts"] = demo_accounts()
            context["demo_password"] = DEMO_PASSWORD
        return context


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("web:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        user_password_changed(user=self.request.user)
        messages.success(self.request, "密码已修改。")
        return response

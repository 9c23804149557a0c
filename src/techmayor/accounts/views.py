from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views import i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from techmayor.core.audit import audit_source
from techmayor.core.errors import ApplicationError
from techmayor.core.exports import xlsx_response
from techmayor.core.forms import BaseForm
from techmayor.core.lists import PAGE_SIZES, paginate
from techmayor.core.models import AuditAction

from . import services, throttle
from .selectors import api_token_list, audit_cities, audit_list, demo_accounts
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

    def post(self, request, *args, **kwargs):
        if throttle.login_blocked(request):
            return render(request, "accounts/locked_out.html", {"per_address": True}, status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        throttle.login_failed(self.request)
        return super().form_invalid(form)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("web:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        user_password_changed(user=self.request.user)
        messages.success(self.request, _("密码已修改。"))
        return response


def _audit_logs(request):
    if not audit_cities(request.user):
        raise PermissionDenied(_("只有市级管理员可以查看操作记录"))
    return audit_list(user=request.user, filters=request.GET)


AUDIT_COLUMNS = (
    (_("时间"), lambda log: log.at, 18),
    (_("操作人"), lambda log: str(log.actor) if log.actor else "", 14),
    (_("操作"), lambda log: log.get_action_display(), 10),
    (_("对象类型"), lambda log: log.model, 26),
    (_("对象"), lambda log: log.object_repr, 36),
    (_("来源"), lambda log: log.source, 8),
    (_("条数"), lambda log: (log.after or {}).get("rows") if log.action == AuditAction.EXPORT else None, 8),
    (_("筛选条件"), lambda log: _filters_text(log), 30),
    (_("说明"), lambda log: log.note, 30),  # e.g. why a record was withdrawn
)


def _filters_text(log) -> str:
    filters = (log.after or {}).get("filters") if log.action in (AuditAction.EXPORT, AuditAction.DOWNLOAD) else None
    return "; ".join(f"{k}={','.join(v)}" for k, v in (filters or {}).items())


@login_required
@require_GET
def audit_log(request):
    """操作记录: the audit trail of the administrator's city, filtered by who, kind, action and date."""
    page = paginate(request, _audit_logs(request))
    context = {
        "page": page,
        "rows": [[value(log) for _label, value, _w in AUDIT_COLUMNS] for log in page],
        "headers": [label for label, _v, _w in AUDIT_COLUMNS],
        "actions": AuditAction.choices,
        "filters": request.GET,
        "page_sizes": PAGE_SIZES,
        "export_query": request.GET.urlencode(),
    }
    return render(request, "accounts/audit_log.html", context)


@login_required
@require_GET
def audit_export(request):
    logs = _audit_logs(request).iterator(chunk_size=500)
    rows = ([value(log) for _label, value, _w in AUDIT_COLUMNS] for log in logs)
    headers, widths = [c[0] for c in AUDIT_COLUMNS], [c[2] for c in AUDIT_COLUMNS]
    return xlsx_response(_("操作记录"), _("操作记录"), headers, rows, widths, request=request)


# --- my account: roles and personal API tokens -----------------------------------------------------


class ApiTokenForm(BaseForm):
    name = forms.CharField(label=_("名称（用途）"), max_length=60, help_text=_("如：区里的统计脚本"))
    expires_days = forms.IntegerField(
        label=_("有效天数"),
        min_value=1,
        max_value=services.TOKEN_DAYS_MAX,
        initial=services.TOKEN_DAYS_DEFAULT,
        help_text=_("到期后令牌自动失效"),
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def account(request):
    """我的账号: the user's roles and personal API tokens; a new token is shown on this response only."""
    form = ApiTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            with audit_source("web"):
                record, new_token = services.api_token_create(
                    user=request.user,
                    name=form.cleaned_data["name"],
                    expires_days=form.cleaned_data["expires_days"],
                    by=request.user,
                )
        except ApplicationError as err:
            form.add_service_error(err)
        else:
            form = ApiTokenForm()
            messages.success(request, _("已创建令牌「%(name)s」") % {"name": record.name})
    context = {"form": form, "tokens": api_token_list(user=request.user), "new_token": new_token}
    return render(request, "accounts/account.html", context)


@login_required
@require_POST
def api_token_revoke(request, pk):
    token = api_token_list(user=request.user).filter(pk=pk).first()
    if token is None:
        raise Http404(_("令牌不存在"))
    with audit_source("web"):
        services.api_token_revoke(token=token, by=request.user)
    messages.success(request, _("已撤销令牌「%(name)s」") % {"name": token.name})
    return redirect("accounts:account")


@require_POST
def set_language(request):
    """Django's language switch; a signed-in person's choice also becomes the language of their e-mails."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.user_language_set(user=request.user, language=language, by=request.user)
    return response

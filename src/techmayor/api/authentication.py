"""Personal API tokens in the ``Authorization`` header: ``Bearer <token>`` (or ``Token <token>``).

The token is looked up by its SHA-256 (``accounts.services.api_token_authenticate``); a revoked or
expired token, or one whose user is inactive, is refused with 401. Session cookies work beside it
(DRF's ``SessionAuthentication``, which keeps the CSRF check for writes).
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from techmayor.accounts.services import api_token_authenticate

KEYWORDS = ("bearer", "token")


class TokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode("latin-1").lower() not in KEYWORDS:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Authorization 头格式应为：Bearer <令牌>"))
        try:
            token = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed(_("令牌含有无效字符")) from exc
        record = api_token_authenticate(token)
        if record is None:
            raise exceptions.AuthenticationFailed(_("令牌无效、已过期或已撤销"))
        if record.user.is_demo and not settings.DEMO_ACCOUNTS_ALLOWED:
            raise exceptions.AuthenticationFailed(_("演示账号只能在演示环境使用"))
        return record.user, record

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "techmayor.api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": str(_("个人 API 令牌：在“我的账号”页面创建，或由 techmayor api-token 命令生成。")),
        }

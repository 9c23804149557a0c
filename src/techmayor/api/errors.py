"""The API's errors: one shape for all of them, ``{"detail": "…", "field": "…", "errors": {field: [ … ]}}``.

A service's :class:`~techmayor.core.errors.ApplicationError` is a 400 with its Chinese message and the
field it names; a form's or serializer's errors are a 400 listing every field; 401/403/404/412 keep
DRF's ``detail`` (the same Chinese messages as the pages).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from techmayor.core.errors import ApplicationError

NON_FIELD = "non_field_errors"


class ErrorSerializer(serializers.Serializer):
    """The one error shape (the schema names it ``Error``)."""

    detail = serializers.CharField(help_text="错误说明（中文）")
    field = serializers.CharField(required=False, allow_null=True, help_text="出错的字段（如有）")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="各字段的错误",
    )


def _flatten(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            if isinstance(value, dict):  # nested serializer: "needs.0.title"
                for sub, messages in _flatten(value).items():
                    out[f"{key}.{sub}"] = messages
            elif isinstance(value, list) and value and isinstance(value[0], dict):
                for i, item in enumerate(value):
                    for sub, messages in _flatten(item).items():
                        out[f"{key}.{i}.{sub}"] = messages
            else:
                out[str(key)] = [str(v) for v in (value if isinstance(value, list) else [value])]
        return out
    if isinstance(detail, list):
        return {NON_FIELD: [str(v) for v in detail]}
    return {NON_FIELD: [str(detail)]}


def _body(errors: dict[str, list[str]]) -> dict:
    field, messages = next(((k, v) for k, v in errors.items() if v), (None, [_("请求无效")]))
    first = messages[0]
    return {
        "detail": first,
        "field": None if field == NON_FIELD else field,
        "errors": errors,
    }


def exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        errors = {exc.field or NON_FIELD: [exc.message]}
        return Response(
            {"detail": exc.message, "field": exc.field, "errors": errors}, status=status.HTTP_400_BAD_REQUEST
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = _body(_flatten(exc.detail))
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"detail": str(response.data["detail"]), "field": None}
    return response

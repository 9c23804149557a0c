"""Request-level guards that run before a view reads anything."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render


class RequestSizeLimitMiddleware:
    """Refuse a request whose declared body is larger than ``REQUEST_MAX_BYTES`` with a Chinese 413 page,
    before any of the body is read (Django reads no more than ``Content-Length`` of a request)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.REQUEST_MAX_BYTES
        if length > limit:
            context = {"limit_mb": round(limit / 1024 / 1024, 1)}
            response = render(request, "413.html", context, status=413)
            response["Connection"] = "close"  # the unread body must not be taken for the next request
            return response
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Send the ``Permissions-Policy`` header of the ``PERMISSIONS_POLICY`` setting with every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.PERMISSIONS_POLICY:
            response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

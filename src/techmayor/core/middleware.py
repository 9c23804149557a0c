"""Request-level middleware: the client's address behind a reverse proxy, and guards that run before a
view reads anything (request size, Permissions-Policy).


Behind nginx (or any TLS-terminating proxy) every request comes from the proxy's address. When the
direct peer is one of ``settings.TRUSTED_PROXIES``, the client is the right-most address of
``X-Forwarded-For`` that is not itself a trusted proxy, and ``REMOTE_ADDR`` is set to it, so that
login throttling, rate limits and the audit log all see the client. A request from anywhere else
keeps its own address: a client cannot spoof the header.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.shortcuts import render


def _networks(values) -> list:
    return [ipaddress.ip_network(value.strip(), strict=False) for value in values if value.strip()]


def _address(value: str):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _within(value: str, networks) -> bool:
    ip = _address(value)
    return ip is not None and any(ip in network for network in networks)


class TrustedProxyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.proxies = _networks(settings.TRUSTED_PROXIES)

    def __call__(self, request):
        if self.proxies and _within(request.META.get("REMOTE_ADDR", ""), self.proxies):
            hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
            for hop in reversed(hops):
                if not _within(hop, self.proxies):
                    if _address(hop) is not None:
                        request.META["REMOTE_ADDR"] = hop
                    break
        return self.get_response(request)


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


# Django's own debug pages (404 and 500 under DEBUG) carry this line; ours never do.
_TECHNICAL_PAGE = b'<meta name="robots" content="NONE,NOARCHIVE">'


class FriendlyErrorPagesMiddleware:
    """Under DEBUG (``make run``), the platform's own phone-sized 404 and 500 pages instead of Django's
    980 px debug pages, which are meant for developers (``TECHMAYOR_TECHNICAL_ERRORS=1`` keeps them).
    Errors are still logged as usual; without DEBUG Django already uses the platform's pages."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.active = settings.DEBUG and not settings.TECHNICAL_ERROR_PAGES

    def __call__(self, request):
        response = self.get_response(request)
        if not self.active or response.status_code not in (404, 500) or response.streaming:
            return response
        if _TECHNICAL_PAGE not in response.content[:2000]:
            return response
        context = {"request_path": request.path, "exception": getattr(request, "_tm_not_found", "")}
        template = "404.html" if response.status_code == 404 else "500.html"
        return render(request, template, context, status=response.status_code)

    def process_exception(self, request, exception):
        from django.http import Http404

        if isinstance(exception, Http404) and exception.args:
            request._tm_not_found = str(exception.args[0])
        return None  # Django answers as usual; __call__ swaps the page

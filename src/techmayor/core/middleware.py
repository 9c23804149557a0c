"""The client's address behind a reverse proxy.

Behind nginx (or any TLS-terminating proxy) every request comes from the proxy's address. When the
direct peer is one of ``settings.TRUSTED_PROXIES``, the client is the right-most address of
``X-Forwarded-For`` that is not itself a trusted proxy, and ``REMOTE_ADDR`` is set to it, so that
login throttling, rate limits and the audit log all see the client. A request from anywhere else
keeps its own address: a client cannot spoof the header.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


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

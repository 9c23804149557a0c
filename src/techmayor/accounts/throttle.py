"""Failed logins counted per client address and across the installation (django-axes counts per username
and address). The counters live in the shared cache, so they add up across workers and survive restarts."""

from __future__ import annotations

from axes.helpers import get_client_ip_address
from django.conf import settings
from django_ratelimit.core import get_usage

GROUP = "accounts.login-failures"


def _address(group, request) -> str:
    return get_client_ip_address(request) or ""


def _everyone(group, request) -> str:
    return "all"


def _limits():
    return ((_address, settings.LOGIN_FAILURES_PER_ADDRESS), (_everyone, settings.LOGIN_FAILURES_GLOBAL))


def _usage(request, key, rate, *, increment: bool) -> dict:
    return get_usage(request, group=f"{GROUP}.{key.__name__}", key=key, rate=rate, increment=increment)


def login_blocked(request) -> bool:
    """Has this address, or everyone together, used up its failed logins for the period?

    A cache that cannot be read counts as blocked (django-ratelimit fails closed)."""
    for key, rate in _limits():
        usage = _usage(request, key, rate, increment=False)
        if usage["should_limit"] or usage["count"] >= usage["limit"]:
            return True
    return False


def login_failed(request) -> None:
    """Count one failed login against the address and against everyone."""
    for key, rate in _limits():
        _usage(request, key, rate, increment=True)

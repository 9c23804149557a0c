"""A read-through cache for what pages compute from the records (to-do counts, recent records), keyed by
the data's version.

Every write through a service leaves an ``AuditLog`` row, so the newest audit id changes with every
change a person makes: a value cached under it is never stale after such a write, in any process
(one indexed query, ``MAX(id)``, per look-up). Writes that leave no audit row (bulk jobs, imports)
are caught up with by the value's lifetime, ``FIGURE_CACHE_SECONDS`` (0 turns the cache off).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from .models import AuditLog

_MISSING = object()


def data_version() -> int:
    """The newest audit row's id: it changes whenever a service writes."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(id) FROM {connection.ops.quote_name(AuditLog._meta.db_table)}")
        return cursor.fetchone()[0] or 0


def cached(key: str, compute: Callable[[], Any]) -> Any:
    """``compute()``, or its value cached under ``key`` at the current data version."""
    lifetime = settings.FIGURE_CACHE_SECONDS
    if lifetime <= 0:
        return compute()
    full_key = f"techmayor:{data_version()}:{key}"
    value = cache.get(full_key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(full_key, value, lifetime)
    return value

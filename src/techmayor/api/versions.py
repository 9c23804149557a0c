"""Optimistic locking for the API: a record's version is a digest of its ``updated_at`` (the same
moment ``core.versions`` signs into the UI's edit forms). A read answers it as the ``ETag`` header
and the ``version`` field; an update sent with ``If-Match`` is refused with 412 when the record has
changed since (a request without ``If-Match`` is not checked, as a UI form posted without its version).
"""

from __future__ import annotations

import hashlib

from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _("这条记录已被他人修改：请重新读取（GET）后再提交")
    default_code = "precondition_failed"


def version_of(instance) -> str:
    stamp = getattr(instance, "updated_at", None)
    text = f"{instance._meta.label_lower}:{instance.pk}:{stamp.isoformat() if stamp else ''}"
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def etag_of(instance) -> str:
    return f'"{version_of(instance)}"'


def _tags(header: str) -> set[str]:
    tags = set()
    for part in header.split(","):
        part = part.strip()
        if part.startswith("W/"):
            part = part[2:]
        tags.add(part.strip('"'))
    return tags


def check_if_match(request, current) -> None:
    """Raise 412 when the request's ``If-Match`` names a version other than ``current``'s (locked row)."""
    header = request.headers.get("If-Match")
    if header is None:
        return
    tags = _tags(header)
    if "*" in tags or version_of(current) in tags:
        return
    raise PreconditionFailed()

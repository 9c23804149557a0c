"""Uploaded files between the preview and the confirmation: kept under ``VAR_DIR/imports/`` by a random
token, described in the user's session, removed once imported."""

from __future__ import annotations

import secrets
import time
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext

from techmayor.core.audit import audit_source
from techmayor.core.errors import ApplicationError
from techmayor.core.files import SUPPORTED

from .engine import ImportContext
from .services import import_execute, import_preview, layout_remember

MAX_BYTES = 50 * 1024 * 1024
SESSION_KEY = "tm_imports"
KEEP_SECONDS = 24 * 3600  # an upload not confirmed within a day is removed


def upload_dir() -> Path:
    path = Path(settings.VAR_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def upload_save(file) -> tuple[str, str]:
    """Store an uploaded file; returns ``(token, original name)``. Refuses other types and huge files."""
    name = Path(getattr(file, "name", "") or "").name
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED:
        raise ApplicationError(
            gettext("不支持的文件类型「%(suffix)s」，仅支持 %(supported)s")
            % {"suffix": suffix or gettext("无扩展名"), "supported": "、".join(SUPPORTED)},
            field="file",
        )
    if not file.size:
        raise ApplicationError(gettext("「%(name)s」是空文件") % {"name": name}, field="file")
    if file.size > MAX_BYTES:
        raise ApplicationError(
            gettext("「%(name)s」超过 %(mb)s MB") % {"name": name, "mb": MAX_BYTES // 1024 // 1024}, field="file"
        )
    _forget_stale()
    token = secrets.token_hex(16)
    with open(upload_dir() / f"{token}{suffix}", "wb") as out:
        for chunk in file.chunks():
            out.write(chunk)
    return token, name


def _forget_stale() -> None:
    limit = time.time() - KEEP_SECONDS
    for path in upload_dir().iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < limit:
                path.unlink()
        except OSError:  # removed meanwhile by another worker
            continue


def upload_path(token: str, name: str) -> Path:
    if not token.isalnum():
        raise ApplicationError(gettext("上传的文件已失效，请重新上传"), field="file")
    path = upload_dir() / f"{token}{Path(name).suffix.lower()}"
    if not path.is_file():
        raise ApplicationError(gettext("上传的文件已失效，请重新上传"), field="file")
    return path


def run_upload(upload: dict, *, progress=None):
    """Import an upload as its user (the background job and the small-file path share this);
    ``progress``: the job's, which shows each pass (reading and checking, writing)."""
    from techmayor.accounts.models import User
    from techmayor.roster.models import Batch

    user = User.objects.get(pk=upload["user_id"])
    batch = Batch.objects.filter(pk=upload.get("batch_id")).first()
    ctx = ImportContext(
        user=user,
        batch=batch,
        allow_similar=upload.get("allow_similar", False),
        confirm_amounts=upload.get("confirm_amounts", False),
    )
    path = upload_path(upload["token"], upload["name"])
    mapping = upload.get("mapping")
    preview = import_preview(
        upload["kind"],
        path,
        ctx=ctx,
        mapping=mapping,
        header_row=upload.get("header_row"),
        file_name=upload["name"],
        report=progress,
    )
    with audit_source("web"):
        log = import_execute(preview, ctx=ctx, skip_bad=upload.get("skip_bad", False), source="web", report=progress)
    if mapping:
        layout_remember(kind=upload["kind"], preview=preview, by=user)
    path.unlink(missing_ok=True)
    return log

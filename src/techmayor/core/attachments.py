"""Attachments: files on any record, stored through Django's storage API, served only within scope.

How another app uses them::

    # apps.py, in ready(): who may see the records a file can be attached to
    from techmayor.core.attachments import register
    register(Visit, visible=lambda user: visit_list(user=user))

    # services / views
    attachment_add(obj=visit, file=request.FILES["photo"], by=request.user, kind="photo", allowed=IMAGE_TYPES)
    attachments_of(visit)                      # the files on a record (not removed)
    attachment_visible(user=user, attachment=a)  # may the user download it?
    reverse("core:attachment_download", args=[a.pk])

Rules: a file is checked for size (``settings.ATTACHMENT_MAX_BYTES``), extension and magic
bytes (the content must be what the extension says: jpg/png/webp/pdf/docx/xlsx); it is stored
under a random name (the original name is kept in a field); it is served only through
``core:attachment_download`` to users for whom the registered ``visible(user)`` queryset
contains the record. A model that is not registered cannot take attachments at all, so no file
is ever stored without a scope rule. Nothing is deleted: ``attachment_remove`` marks it removed.
"""

from __future__ import annotations

import hashlib
import os
import uuid
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files import File
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext, gettext_lazy

from .errors import ApplicationError
from .models import Attachment, AttachmentKind
from .services import create_record, update_record


@dataclass(frozen=True)
class FileType:
    ext: str
    mime: str
    label: str


FILE_TYPES: dict[str, FileType] = {
    "jpg": FileType("jpg", "image/jpeg", gettext_lazy("JPG 图片")),
    "png": FileType("png", "image/png", gettext_lazy("PNG 图片")),
    "webp": FileType("webp", "image/webp", gettext_lazy("WebP 图片")),
    "pdf": FileType("pdf", "application/pdf", gettext_lazy("PDF 文档")),
    "docx": FileType(
        "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", gettext_lazy("Word 文档")
    ),
    "xlsx": FileType(
        "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", gettext_lazy("Excel 表格")
    ),
}
EXTENSION_ALIASES = {"jpeg": "jpg"}
IMAGE_TYPES = frozenset({"jpg", "png", "webp"})
DOCUMENT_TYPES = frozenset({"pdf", "docx", "xlsx"})
ALL_TYPES = frozenset(FILE_TYPES)


# ---------------------------------------------------------------- scope registry

VisibleFn = Callable[[object], QuerySet]
_REGISTRY: dict[type[models.Model], VisibleFn] = {}


def register(model: type[models.Model], *, visible: VisibleFn) -> None:
    """Allow attachments on ``model``; ``visible(user)`` returns the records of it the user may see."""
    _REGISTRY[model] = visible


def is_registered(model: type[models.Model]) -> bool:
    return model in _REGISTRY


# ---------------------------------------------------------------- checking a file


def _extension(name: str) -> str:
    ext = os.path.splitext(name or "")[1].lower().lstrip(".")
    return EXTENSION_ALIASES.get(ext, ext)


def _zip_names(file) -> set[str]:
    try:
        with zipfile.ZipFile(file) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return set()


def sniff(file) -> str | None:
    """What the content is, by its magic bytes (and, for Office files, the parts inside the zip)."""
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        names = _zip_names(file)
        file.seek(0)
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return "docx"
            if "xl/workbook.xml" in names:
                return "xlsx"
    return None


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}MB"


def check_file(file, *, allowed: Iterable[str] | None = None) -> FileType:
    """The type of an uploaded file, or an ApplicationError (in Chinese) saying why it is refused."""
    allowed = frozenset(allowed or ALL_TYPES)
    name = os.path.basename(getattr(file, "name", "") or "")
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, os.SEEK_END)
        size = file.tell()
        file.seek(0)
    if not size:
        raise ApplicationError(gettext("附件「%(name)s」是空文件") % {"name": name}, field="file")
    limit = settings.ATTACHMENT_MAX_BYTES
    if size > limit:
        raise ApplicationError(
            gettext("附件「%(name)s」大小 %(size)s，超过上限 %(limit)s")
            % {"name": name, "size": _megabytes(size), "limit": _megabytes(limit)},
            field="file",
        )
    ext = _extension(name)
    if ext not in allowed or ext not in FILE_TYPES:
        kinds = "、".join(sorted(allowed))
        shown = f".{ext}" if ext else gettext("无扩展名")
        raise ApplicationError(
            gettext("不支持的附件类型（%(shown)s），仅支持 %(kinds)s") % {"shown": shown, "kinds": kinds}, field="file"
        )
    actual = sniff(file)
    if actual != ext:
        raise ApplicationError(
            gettext("附件「%(name)s」的内容不是 %(kind)s，请检查文件") % {"name": name, "kind": FILE_TYPES[ext].label},
            field="file",
        )
    return FILE_TYPES[ext]


def _sha256(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(1024 * 1024), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


# ---------------------------------------------------------------- services


@transaction.atomic
def attachment_add(
    *,
    obj: models.Model,
    file,
    by=None,
    kind: str = AttachmentKind.OTHER,
    note: str = "",
    allowed: Iterable[str] | None = None,
) -> Attachment:
    """Check ``file`` and attach it to ``obj`` (a saved record of a registered model)."""
    if obj.pk is None:
        raise ApplicationError(gettext("记录尚未保存，不能添加附件"), field="file")
    if not is_registered(type(obj)):
        raise ApplicationError(
            gettext("%(verbose_name)s不支持添加附件") % {"verbose_name": obj._meta.verbose_name}, field="file"
        )
    file_type = check_file(file, allowed=allowed)
    original = os.path.basename(getattr(file, "name", "") or "")[:200] or f"附件.{file_type.ext}"
    stored = File(file, name=f"{uuid.uuid4().hex}.{file_type.ext}")
    return create_record(
        Attachment,
        by=by,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        kind=kind,
        file=stored,
        original_name=original,
        mime_type=file_type.mime,
        size=file.size if getattr(file, "size", None) is not None else stored.size,
        sha256=_sha256(file),
        note=(note or "").strip()[:200],
    )


def attachment_remove(*, attachment: Attachment, by=None) -> Attachment:
    """Hide an attachment; the file and the record are kept (nothing is physically deleted)."""
    if attachment.is_removed:
        raise ApplicationError(gettext("该附件已移除"), field="is_removed")
    return update_record(attachment, by=by, is_removed=True)


# ---------------------------------------------------------------- selectors


def attachments_of(obj: models.Model) -> QuerySet[Attachment]:
    return Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, is_removed=False
    )


def attachment_visible(*, user, attachment: Attachment) -> bool:
    """May ``user`` download ``attachment``? Only when its record lies in the user's scope."""
    if attachment.is_removed or not getattr(user, "is_authenticated", False):
        return False
    model = attachment.content_type.model_class()
    visible = _REGISTRY.get(model)
    if visible is None:
        return False
    return visible(user).filter(pk=attachment.object_id).exists()


def attachment_may_remove(*, user, attachment: Attachment) -> bool:
    """Who may remove an attachment they can see: whoever uploaded it, and city administrators."""
    from techmayor.accounts.choices import Role
    from techmayor.accounts.scopes import has_role

    return attachment.created_by_id == getattr(user, "pk", None) or has_role(user, Role.CITY_ADMIN)


def attachment_get(*, user, pk: int) -> Attachment | None:
    """The attachment if the user may download it, else None (callers answer 404)."""
    attachment = Attachment.objects.select_related("content_type").filter(pk=pk, is_removed=False).first()
    if attachment is None or not attachment_visible(user=user, attachment=attachment):
        return None
    return attachment

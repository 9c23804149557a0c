"""The one way a stored attachment leaves the server (after the scope check), and its removal."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .attachments import attachment_get, attachment_may_remove, attachment_remove
from .audit import audit_source, record_read
from .models import AuditAction


@login_required
@require_GET
def attachment_download(request, pk: int):
    attachment = attachment_get(user=request.user, pk=pk)
    if attachment is None:
        raise Http404(_("附件不存在或无权查看"))
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("附件文件已丢失")) from exc
    response = FileResponse(
        handle,
        content_type=attachment.mime_type,
        as_attachment=not attachment.is_image,  # only images are shown in the page; documents are downloaded
        filename=attachment.original_name,
    )
    record_read(
        request=request, action=AuditAction.DOWNLOAD, object_repr=attachment.original_name, object_id=str(attachment.pk)
    )
    response["Cache-Control"] = "private, max-age=0, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def attachment_remove_view(request, pk: int):
    """Mark an attachment removed (the file is kept, the audit trail says who); back to ``next``."""
    attachment = attachment_get(user=request.user, pk=pk)
    if attachment is None:
        raise Http404(_("附件不存在或无权查看"))
    if not attachment_may_remove(user=request.user, attachment=attachment):
        raise PermissionDenied(_("只有上传人或市级管理员可以移除附件"))
    with audit_source("web"):
        attachment_remove(attachment=attachment, by=request.user)
    messages.success(request, _("已移除附件：%(name)s") % {"name": attachment.original_name})
    target = request.POST.get("next", "")
    local = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return redirect(target if local else "/")

"""The one way a stored attachment leaves the server: after the scope check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from .attachments import attachment_get


@login_required
@require_GET
def attachment_download(request, pk: int):
    attachment = attachment_get(user=request.user, pk=pk)
    if attachment is None:
        raise Http404("附件不存在或无权查看")
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("附件文件已丢失") from exc
    response = FileResponse(
        handle,
        content_type=attachment.mime_type,
        as_attachment=not attachment.is_image,  # only images are shown in the page; documents are downloaded
        filename=attachment.original_name,
    )
    response["Cache-Control"] = "private, max-age=0, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response

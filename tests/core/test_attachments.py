"""Attachments: size and type limits (extension and magic bytes), random stored names, and downloads
only for users whose scope covers the record (never through MEDIA_URL)."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from techmayor.core import attachments
from techmayor.core.attachments import attachment_add, attachment_remove, attachments_of, check_file
from techmayor.core.errors import ApplicationError
from techmayor.core.models import Attachment, AuditLog, Region
from techmayor.needs.choices import NeedState as S
from techmayor.needs.models import ProgressEntry
from techmayor.needs.services import need_progress_add
from tests.needs.world import build_world

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def docx_bytes(part="word/document.xml") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<document/>")
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ATTACHMENT_MAX_BYTES = 1024
    return settings.MEDIA_ROOT


@pytest.mark.parametrize(
    ("name", "content", "ext"),
    [
        ("现场照片.jpg", JPG, "jpg"),
        ("IMG_0001.JPEG", JPG, "jpg"),
        ("截图.png", PNG, "png"),
        ("photo.webp", WEBP, "webp"),
        ("合作协议（盖章版）.pdf", PDF, "pdf"),
        ("方案.docx", docx_bytes(), "docx"),
        ("台账.xlsx", None, "xlsx"),
    ],
)
def test_allowed_types_pass_by_extension_and_content(settings, name, content, ext):
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    assert check_file(upload(name, content if content is not None else xlsx_bytes())).ext == ext


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("病毒.exe", b"MZ" + b"\x00" * 10, "不支持的附件类型（.exe）"),
        ("无扩展名", PDF, "不支持的附件类型（无扩展名）"),
        ("页面.html", b"<html><script>alert(1)</script>", "不支持的附件类型（.html）"),
        ("假图片.png", PDF, "内容不是 PNG 图片"),
        ("假协议.pdf", b"<html>not a pdf</html>", "内容不是 PDF 文档"),
        ("假文档.docx", docx_bytes(part="xl/workbook.xml"), "内容不是 Word 文档"),
        ("压缩包.docx", b"PK\x03\x04" + b"\x00" * 40, "内容不是 Word 文档"),
        ("空.pdf", b"", "是空文件"),
        ("很大.pdf", PDF + b"\x00" * 2000, "超过上限"),
    ],
)
def test_refused_files(name, content, message):
    with pytest.raises(ApplicationError, match=message):
        check_file(upload(name, content))


def test_a_narrower_type_list_for_photos():
    with pytest.raises(ApplicationError, match="仅支持 jpg、png、webp"):
        check_file(upload("协议.pdf", PDF), allowed=attachments.IMAGE_TYPES)


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def entry(world) -> ProgressEntry:
    need = world.place("ly", S.CLAIMED)
    return need_progress_add(
        need=need, member=world.members["owner"], date=need.date, current_status="已与东南大学签订意向"
    )


def test_stored_under_a_random_name_with_the_original_kept(world, entry, media):
    attachment = attachment_add(obj=entry, file=upload("../../etc/合作意向.pdf", PDF), by=world.users["owner"])
    assert attachment.original_name == "合作意向.pdf"
    assert attachment.file.name.startswith("attachments/") and attachment.file.name.endswith(".pdf")
    assert "合作意向" not in attachment.file.name and ".." not in attachment.file.name
    assert (media / attachment.file.name).read_bytes() == PDF
    assert attachment.mime_type == "application/pdf" and attachment.size == len(PDF) and len(attachment.sha256) == 64
    assert list(attachments_of(entry)) == [attachment]


def test_only_registered_models_take_attachments(world):
    with pytest.raises(ApplicationError, match="不支持添加附件"):
        attachment_add(obj=world.town_ly, file=upload("a.pdf", PDF))
    assert not Attachment.objects.exists()


def test_download_only_within_scope(client, world, entry):
    attachment = attachment_add(obj=entry, file=upload("照片.png", PNG), by=world.users["owner"])
    url = reverse("core:attachment_download", args=[attachment.pk])
    assert client.get(url).status_code == 302  # login first
    readers = {"admin", "leader", "district", "town", "group_leader", "credited", "owner", "collaborator", "invitee"}
    for role, user in world.users.items():
        client.force_login(user)
        response = client.get(url)
        if role in readers:
            assert response.status_code == 200, role
            assert b"".join(response.streaming_content) == PNG
            assert response["Content-Type"] == "image/png"
            assert response["X-Content-Type-Options"] == "nosniff"
        else:
            assert response.status_code == 404, role  # a 溧阳 member with no part in it, or nobody
    # The media directory is never served directly.
    client.force_login(world.users["admin"])
    assert client.get("/media/" + attachment.file.name).status_code == 404


def test_documents_download_as_files(client, world, entry):
    attachment = attachment_add(obj=entry, file=upload("协议.pdf", PDF))
    client.force_login(world.users["owner"])
    response = client.get(reverse("core:attachment_download", args=[attachment.pk]))
    assert response["Content-Disposition"].startswith("attachment;")


def test_a_removed_attachment_is_kept_but_no_longer_served(client, world, entry):
    attachment = attachment_add(obj=entry, file=upload("协议.pdf", PDF))
    attachment_remove(attachment=attachment, by=world.users["admin"])
    client.force_login(world.users["admin"])
    assert client.get(reverse("core:attachment_download", args=[attachment.pk])).status_code == 404
    assert Attachment.objects.filter(pk=attachment.pk).exists() and attachment.file.storage.exists(attachment.file.name)
    with pytest.raises(ApplicationError, match="已移除"):
        attachment_remove(attachment=attachment)


def test_an_unregistered_scope_denies(client, world, entry):
    """If a model's scope rule is withdrawn, its files are served to nobody."""
    attachment = attachment_add(obj=entry, file=upload("协议.pdf", PDF))
    visible = attachments._REGISTRY.pop(ProgressEntry)
    try:
        client.force_login(world.users["admin"])
        assert client.get(reverse("core:attachment_download", args=[attachment.pk])).status_code == 404
    finally:
        attachments.register(ProgressEntry, visible=visible)


def test_progress_with_a_file_through_the_page(client, world, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    need = world.place("ly", S.CLAIMED)
    client.force_login(world.users["owner"])
    url = reverse("needs:need_progress", args=[need.pk])
    data = {"date": "2022-02-01", "current_status": "专家到企业调研", "next_step": "拟定合作方案"}
    response = client.post(url, {**data, "file": upload("调研照片.jpg", JPG)})
    assert response.status_code == 302
    entry = ProgressEntry.objects.get(need=need)
    attachment = attachments_of(entry).get()
    page = client.get(reverse("needs:need_detail", args=[need.pk])).content.decode()
    assert reverse("core:attachment_download", args=[attachment.pk]) in page and "调研照片.jpg" in page


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [("大文件.pdf", PDF + b"\x00" * 2000, "超过上限"), ("脚本.js", b"alert(1)", "不支持的附件类型")],
)
def test_a_bad_file_refuses_the_whole_progress_entry(client, world, name, content, message):
    need = world.place("ly", S.CLAIMED)
    client.force_login(world.users["owner"])
    response = client.post(
        reverse("needs:need_progress", args=[need.pk]),
        {"date": "2022-02-01", "current_status": "进展", "file": upload(name, content)},
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert not ProgressEntry.objects.filter(need=need).exists() and not Attachment.objects.exists()


def test_completion_material_is_attached_to_the_need(client, world, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    need = world.place("ly", S.CLAIMED)
    client.force_login(world.users["owner"])
    response = client.post(
        reverse("needs:need_complete", args=[need.pk]),
        {"solution": "与东南大学签订技术开发合同", "file": upload("合同.pdf", PDF)},
    )
    assert response.status_code == 302
    assert attachments_of(need).get().original_name == "合同.pdf"
    client.force_login(world.users["member"])  # a 溧阳 member with no part in this need
    attachment = attachments_of(need).get()
    assert client.get(reverse("core:attachment_download", args=[attachment.pk])).status_code == 404
    assert Region.objects.exists()


def test_the_uploader_or_an_administrator_removes_an_attachment_from_the_page(client, world, entry):
    attachment = attachment_add(obj=entry, file=upload("协议.pdf", PDF), by=world.users["owner"])
    need_url = reverse("needs:need_detail", args=[entry.need_id])
    remove = reverse("core:attachment_remove", args=[attachment.pk])

    client.force_login(world.users["collaborator"])  # can see it, did not upload it
    assert remove not in client.get(need_url).content.decode()
    assert client.post(remove, {"next": need_url}).status_code == 403
    client.force_login(world.users["member"])  # cannot see it
    assert client.post(remove, {"next": need_url}).status_code == 404
    client.force_login(world.users["owner"])
    assert remove in client.get(need_url).content.decode()
    assert client.get(remove).status_code == 405
    response = client.post(remove, {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"  # only local redirects
    attachment.refresh_from_db()
    assert attachment.is_removed
    assert client.get(reverse("core:attachment_download", args=[attachment.pk])).status_code == 404
    assert "协议.pdf" not in client.get(need_url).content.decode()
    log = AuditLog.objects.filter(model="core.attachment", object_id=str(attachment.pk)).latest("at")
    assert (log.actor, log.source) == (world.users["owner"], "web")

    other = attachment_add(obj=entry, file=upload("照片.png", PNG), by=world.users["owner"])
    client.force_login(world.users["admin"])
    response = client.post(reverse("core:attachment_remove", args=[other.pk]), {"next": need_url})
    assert response["Location"] == need_url
    other.refresh_from_db()
    assert other.is_removed


def test_downloads_are_audited_with_who_and_what(client, world, entry):
    attachment = attachment_add(obj=entry, file=upload("协议.pdf", PDF))
    client.force_login(world.users["owner"])
    client.get(reverse("core:attachment_download", args=[attachment.pk]))
    log = AuditLog.objects.get(action="download")
    assert (log.actor, log.object_id, log.object_repr) == (world.users["owner"], str(attachment.pk), "协议.pdf")
    assert log.model == "core:attachment_download" and log.after["path"].endswith(f"/{attachment.pk}/")
    client.force_login(world.users["nobody"])
    client.get(reverse("core:attachment_download", args=[attachment.pk]))  # refused: not recorded as a download
    assert AuditLog.objects.filter(action="download").count() == 1

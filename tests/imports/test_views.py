import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from techmayor.imports import views
from techmayor.imports.models import ImportLayout, ImportLog
from techmayor.ledger.models import Visit
from tests.imports.conftest import csv_file


@pytest.fixture
def upload(client, tmp_path, settings):
    settings.VAR_DIR = tmp_path / "var"

    def _upload(user, rows, kind="visits", name="台账.csv", encoding="gbk"):
        client.force_login(user)
        data = csv_file(tmp_path / name, rows, encoding=encoding).read_bytes()
        response = client.post(reverse("imports:index"), {"kind": kind, "file": SimpleUploadedFile(name, data)})
        assert response.status_code == 302, response.content.decode()[:500]
        return response.url

    return _upload


ROWS = [["企业名称", "走访日期", "走访人员"], ["常州恒远精密机械有限公司", "2021-9-3", "张三、李四"]]


def test_upload_preview_confirm(w, client, upload):
    url = upload(w.users.admin, ROWS)
    page = client.get(url).content.decode()
    assert "常州恒远精密机械有限公司" in page and "确认导入（写入 1 行）" in page
    assert Visit.objects.count() == 0
    response = client.post(url, {"header_row": "1", "map_enterprise": "0", "map_date": "1", "map_members": "2"})
    log = ImportLog.objects.get()
    assert response.url == reverse("imports:log", args=[log.pk])
    assert Visit.objects.count() == 1 and log.source == "web" and log.created_by == w.users.admin
    assert ImportLayout.objects.get(kind="visits").mapping["members"] == 2
    page = client.get(response.url).content.decode()
    assert "撤销整次导入" in page
    client.post(reverse("imports:rollback", args=[log.pk]))
    assert Visit.objects.count() == 0


def test_a_corrected_mapping_is_remembered_for_the_same_layout(w, client, upload):
    rows = [["单位", "哪天", "谁去的"], ["常州恒远精密机械有限公司", "2021-9-3", "张三"]]
    url = upload(w.users.admin, rows)
    page = client.get(url).content.decode()
    assert "缺少列" in page and "按此对应重新预览" in page
    mapping = {"header_row": "1", "map_enterprise": "0", "map_date": "1", "map_members": "2"}
    assert "确认导入（写入 1 行）" in client.get(url, mapping).content.decode()
    client.post(url, mapping)
    assert Visit.objects.count() == 1
    again = upload(w.users.admin, [*rows, ["金坛新材料科技有限公司", "2021-9-5", "王五"]], name="下月.csv")
    assert "确认导入（写入 1 行）" in client.get(again).content.decode()  # the layout is known now


def test_bad_rows_are_listed_and_can_be_skipped(w, client, upload):
    url = upload(w.users.admin, [*ROWS, ["常州恒远精密机械有限公司", "2021-13-1", "张三"]])
    page = client.get(url).content.decode()
    assert "第3行: 走访日期:" in page
    client.post(url, {"header_row": "1", "map_enterprise": "0", "map_date": "1", "map_members": "2"})
    assert Visit.objects.count() == 0
    client.post(url, {"header_row": "1", "map_enterprise": "0", "map_date": "1", "map_members": "2", "skip_bad": "1"})
    assert Visit.objects.count() == 1


def test_kinds_offered_follow_the_scope(w, client):
    client.force_login(w.users.ts_ly)
    page = client.get(reverse("imports:index")).content.decode()
    select = page[page.index('name="kind"') : page.index("</select>", page.index('name="kind"'))]
    assert re.findall(r'<option value="(\w+)">', select) == ["enterprises", "needs"]
    client.force_login(w.users.leader)
    assert client.get(reverse("imports:index")).status_code == 403


def test_large_files_run_as_a_background_job(w, client, upload, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(views, "BACKGROUND_FROM", 1)
    url = upload(w.users.admin, ROWS)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"header_row": "1", "map_enterprise": "0", "map_date": "1", "map_members": "2"})
    assert response.url == reverse("imports:index")
    assert Visit.objects.count() == 1  # the test queue runs the task at once
    page = client.get(reverse("imports:index")).content.decode()
    assert "导入记录 #" in page


def test_an_upload_of_another_user_is_not_reachable(w, client, upload):
    url = upload(w.users.admin, ROWS)
    client.force_login(w.users.m_zhang)
    assert client.get(url).status_code == 403


def test_uploads_not_confirmed_within_a_day_are_removed(w, client, upload, settings):
    import os
    import time

    from techmayor.imports.uploads import upload_dir

    upload(w.users.admin, ROWS)
    (old,) = list(upload_dir().iterdir())
    os.utime(old, (time.time() - 2 * 86400, time.time() - 2 * 86400))
    upload(w.users.admin, ROWS, name="新.csv")
    assert old not in list(upload_dir().iterdir()) and len(list(upload_dir().iterdir())) == 1


def test_an_amount_beyond_the_plausible_needs_the_confirmation_box(w, client, upload):
    from techmayor.cooperation.models import Agreement

    rows = [
        ["协议名称", "企业名称", "高校", "合同金额（万元）", "签订日期", "团员"],
        ["热处理工艺合作", "常州恒远精密机械有限公司", "东南大学", "150000", "2021-10-1", "张三"],
    ]
    url = upload(w.users.admin, rows, kind="agreements")
    page = client.get(url).content.decode()
    assert "150000万元（15亿元）超过常见金额，请核对" in page and 'name="confirm_amounts"' in page
    mapping = dict(re.findall(r'name="((?:map_\w+)|header_row)" value="(\d*)"', page))
    response = client.post(url, mapping)
    assert response.url == url and Agreement.objects.count() == 0
    client.post(url, {**mapping, "confirm_amounts": "1"})
    assert Agreement.objects.get().contract_amount_wan == 150000


def test_row_errors_speak_english_in_english(w, client, upload):
    client.cookies.load({"django_language": "en"})
    url = upload(w.users.admin, [*ROWS, ["常州恒远精密机械有限公司", "2021-13-1", "张三"]])
    page = client.get(url).content.decode()
    assert "Row 3: 走访日期: “2021-13-1” is not a valid date: 2021-13 has no day 1" in page
    assert "不是有效日期" not in page

"""The import pages in a real browser: upload, preview, confirm, on a phone and on a desktop."""

import pytest
from django.urls import reverse

from techmayor.ledger.models import Visit
from tests.imports.conftest import csv_file, w  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = [
    ["溧阳团走访台账"],
    ["企业名称", "走访日期", "走访人员", "发现需求"],
    ["常州恒远精密机械有限公司", "2021.9.3", "张三、李四", "需要一套视觉检测方案，用于精密零件的表面缺陷识别"],
    ["常州市恒远精密机械有限公司", "2021/9/4", "张三", ""],
]


def login(page, live_server, username):
    page.goto(live_server.url + reverse("accounts:login"))
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-123456")
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + reverse("web:home"))


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_upload_preview_and_confirm(w, live_server, request, tmp_path, settings, device):  # noqa: F811
    settings.VAR_DIR = tmp_path / "var"
    page = request.getfixturevalue(device)
    width = page.viewport_size["width"]
    login(page, live_server, "admin")
    page.goto(live_server.url + reverse("imports:index"))
    page.select_option("#id_kind", "visits")
    page.set_input_files("#id_file", str(csv_file(tmp_path / "走访.csv", ROWS)))
    page.click("form.tm-form button[type=submit]")
    page.wait_for_url("**/imports/preview/**")
    assert "有相似的「常州恒远精密机械有限公司」" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.check("#id_skip_bad")
    page.click("text=确认导入")
    page.wait_for_url("**/imports/*/")
    assert Visit.objects.count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert "走访记录" in page.content() and "撤销整次导入" in page.content()

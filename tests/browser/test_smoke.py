import pytest
from django.urls import reverse

from techmayor.accounts.services import user_create

pytestmark = pytest.mark.django_db(transaction=True)


def test_login_page_works_on_a_phone(live_server, phone):
    user_create(username="zhang", password="Phone-pass-123", display_name="张三", must_change_password=False)
    phone.goto(live_server.url + reverse("accounts:login"))
    assert phone.locator("h1").inner_text() == "登录科技镇长团工作平台"
    phone.fill("#id_username", "zhang")
    phone.fill("#id_password", "Phone-pass-123")
    phone.click("button[type=submit]")
    phone.wait_for_url(live_server.url + reverse("web:home"))
    # Nothing overflows the 375 px viewport horizontally.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    assert phone.locator(".tm-tabbar").is_visible()

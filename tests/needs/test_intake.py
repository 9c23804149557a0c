"""The public intake page of a town: stable link and QR code for staff; for enterprises no login,
consent, a honeypot, a per-address rate limit, Chinese errors, and nothing written when refused."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from techmayor.core.models import AuditLog
from techmayor.needs.choices import LeadSource, LeadStatus
from techmayor.needs.models import IntakeChannel, Lead
from techmayor.needs.services import intake_channel_open
from tests.needs.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def channel(world):
    return intake_channel_open(region=world.town_ly)


def form_data(**overrides):
    data = {
        "enterprise_name": "常州天目湖新材料有限公司",
        "contact_name": "李经理",
        "contact_phone": "139 1234 5678",
        "title": "复合材料强度不足",
        "description": "碳纤维复合材料在高温下强度下降，希望找到高校合作改进工艺。",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return data


def test_town_staff_open_a_stable_link_with_a_qr_code(client, world):
    client.force_login(world.users["town"])
    page = client.get(reverse("needs:intake_links")).content.decode()
    assert "天目湖镇" in page and "儒林镇" not in page
    url = reverse("needs:intake_link", args=[world.town_ly.pk])
    assert "开通征集入口" in client.get(url).content.decode()
    client.post(reverse("needs:intake_link_open", args=[world.town_ly.pk]))
    channel = IntakeChannel.objects.get(region=world.town_ly)
    page = client.get(url).content.decode()
    assert "<svg" in page and f"/intake/{channel.token}/" in page
    png = client.get(reverse("needs:intake_link_png", args=[world.town_ly.pk]))
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    # Opening again keeps the same link (printed QR codes keep working).
    client.post(reverse("needs:intake_link_open", args=[world.town_ly.pk]))
    assert IntakeChannel.objects.get(region=world.town_ly).token == channel.token
    # Another town's link is not theirs to manage.
    assert client.get(reverse("needs:intake_link", args=[world.town_jt.pk])).status_code == 404
    assert client.post(reverse("needs:intake_link_open", args=[world.town_jt.pk])).status_code == 404
    assert not IntakeChannel.objects.filter(region=world.town_jt).exists()
    # Administrators manage every town of their city.
    client.force_login(world.users["admin"])
    assert client.get(reverse("needs:intake_link", args=[world.town_jt.pk])).status_code == 200


def test_an_enterprise_submits_without_login_and_gets_a_reference(client, channel, world):
    url = reverse("intake:form", args=[channel.token])
    page = client.get(url).content.decode()
    assert "天目湖镇企业需求征集" in page and 'name="consent"' in page and 'class="honeypot"' in page
    response = client.post(url, form_data())
    assert response.status_code == 302
    lead = Lead.objects.get()
    assert (lead.source, lead.region, lead.status) == (LeadSource.PUBLIC, world.town_ly, LeadStatus.NEW)
    assert lead.contact_phone == "13912345678" and lead.consent_at is not None
    assert lead.raw_text.startswith("碳纤维复合材料") and lead.enterprise_name == "常州天目湖新材料有限公司"
    done = client.get(response["Location"]).content.decode()
    assert lead.reference in done and "受理编号" in done
    assert AuditLog.objects.filter(model="needs.lead", object_id=str(lead.pk), action="create").exists()
    # The town sees it at once among its leads to handle.
    client.force_login(world.users["town"])
    assert lead.reference in client.get(reverse("needs:lead_list"), {"status": "new"}).content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"consent": ""}, "请阅读并勾选同意信息使用说明后再提交"),
        ({"contact_phone": "12345"}, "请填写正确的电话号码"),
        ({"contact_phone": "1391234567"}, "请填写正确的电话号码"),
        ({"contact_phone": "abc-defg"}, "请填写正确的电话号码"),
        ({"enterprise_name": ""}, "该字段是必填项"),
        ({"description": "太短"}, "至少"),
    ],
)
def test_refused_submissions_say_why_in_chinese_and_write_nothing(client, channel, overrides, message):
    response = client.post(reverse("intake:form", args=[channel.token]), form_data(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Lead.objects.exists()


@pytest.mark.parametrize("phone", ["0519-88881234", "(0519)88881234", "+86 13912345678", "400-123-4567"])
def test_landlines_and_mobiles_are_accepted(client, channel, phone):
    response = client.post(reverse("intake:form", args=[channel.token]), form_data(contact_phone=phone))
    assert response.status_code == 302 and Lead.objects.count() == 1


def test_a_filled_honeypot_is_thanked_and_discarded(client, channel):
    response = client.post(reverse("intake:form", args=[channel.token]), form_data(website="http://spam.example"))
    assert response.status_code == 302 and "?r=" not in response["Location"]
    assert not Lead.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "提交成功" in page and "受理编号" not in page


def test_the_rate_limit_per_address(client, channel):
    url = reverse("intake:form", args=[channel.token])
    for i in range(5):
        assert client.post(url, form_data(title=f"需求{i}"), REMOTE_ADDR="10.0.0.1").status_code == 302
    response = client.post(url, form_data(title="第六条"), REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 429 and "提交太频繁" in response.content.decode()
    assert Lead.objects.count() == 5 and not Lead.objects.filter(title="第六条").exists()
    assert client.get(url, REMOTE_ADDR="10.0.0.1").status_code == 429
    # Another address is not affected.
    assert client.post(url, form_data(title="别处"), REMOTE_ADDR="10.0.0.2").status_code == 302


def test_refused_and_robot_submissions_count_towards_the_limit(client, channel):
    url = reverse("intake:form", args=[channel.token])
    for _ in range(3):
        client.post(url, form_data(consent=""), REMOTE_ADDR="10.0.0.3")
    for _ in range(2):
        client.post(url, form_data(website="x"), REMOTE_ADDR="10.0.0.3")
    assert client.post(url, form_data(), REMOTE_ADDR="10.0.0.3").status_code == 429
    assert not Lead.objects.exists()


def test_unknown_and_closed_links(client, channel, world):
    assert client.get(reverse("intake:form", args=["no-such-token"])).status_code == 404
    client.force_login(world.users["town"])
    client.post(reverse("needs:intake_link_close", args=[world.town_ly.pk]))
    client.logout()
    response = client.post(reverse("intake:form", args=[channel.token]), form_data())
    assert response.status_code == 410 and "已停用" in response.content.decode()
    assert not Lead.objects.exists()


def test_a_forged_reference_is_not_shown(client, channel):
    done = reverse("intake:done", args=[channel.token])
    page = client.get(done, {"r": "XQ202201010001"}).content.decode()
    assert "XQ202201010001" not in page

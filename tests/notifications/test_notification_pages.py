"""The bell on every page, the inbox (open, mark read, mark all read) and the preferences page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from techmayor.accounts.services import user_create
from techmayor.notifications.choices import DEFAULT_DELIVERY, Delivery, NotificationKind
from techmayor.notifications.models import Notification
from techmayor.notifications.services import notify, preferences_of

pytestmark = pytest.mark.django_db


def account(name):
    return user_create(username=name, password="pw-For-Tests-1", must_change_password=False)


@pytest.fixture
def alice():
    return account("alice")


def remind(user, n: int, url="/needs/"):
    return [
        notify(
            recipients=[user],
            kind=NotificationKind.REVIEW,
            key=f"k{i}",
            message="需求「%(title)s」待核实",
            params={"title": f"需求{i}"},
            url=url,
        )[0]
        for i in range(n)
    ]


def test_the_bell_shows_the_unread_count_on_every_page(client, alice):
    client.force_login(alice)
    home = client.get(reverse("web:home")).content.decode()
    assert "data-tm-bell" in home and "text-bg-danger" not in home
    remind(alice, 3)
    remind(account("bob"), 5)
    for url in (reverse("web:home"), reverse("needs:need_list"), reverse("notifications:preferences")):
        page = client.get(url).content.decode()
        assert '<span class="badge rounded-pill text-bg-danger">3</span>' in page, url
        assert "消息，3 条未读" in page


def test_the_bell_costs_one_query(client, alice):
    client.force_login(alice)
    remind(alice, 2)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("notifications:preferences"))
    counts = [q["sql"] for q in queries if 'FROM "notifications_notification"' in q["sql"]]
    assert len(counts) == 1 and "COUNT(" in counts[0]


def test_the_inbox_lists_ones_own_messages_and_opening_one_marks_it_read(client, alice):
    notes = remind(alice, 2, url="/needs/?state=pending")
    other = remind(account("bob"), 1)[0]
    client.force_login(alice)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "需求「需求0」待核实" in page and "需求「需求1」待核实" in page
    assert page.count("data-tm-notification=") == 2
    opened = client.get(reverse("notifications:open", args=[notes[0].pk]))
    assert opened.status_code == 302 and opened["Location"] == "/needs/?state=pending"
    notes[0].refresh_from_db()
    assert notes[0].read_at is not None
    unread = client.get(reverse("notifications:inbox") + "?show=unread").content.decode()
    assert "需求「需求1」待核实" in unread and "需求「需求0」待核实" not in unread
    # Someone else's message is not there for you.
    assert client.get(reverse("notifications:open", args=[other.pk])).status_code == 404
    assert client.post(reverse("notifications:read", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_a_message_pointing_off_site_leads_to_the_inbox(client, alice):
    [note] = remind(alice, 1, url="https://evil.example.com/")
    client.force_login(alice)
    response = client.get(reverse("notifications:open", args=[note.pk]))
    assert response["Location"] == reverse("notifications:inbox")


def test_mark_one_and_mark_all_read(client, alice):
    notes = remind(alice, 3)
    bobs = remind(account("bob"), 1)
    client.force_login(alice)
    response = client.post(reverse("notifications:read", args=[notes[1].pk]), {"next": reverse("web:home")})
    assert response["Location"] == reverse("web:home")
    assert Notification.objects.filter(recipient=alice, read_at__isnull=True).count() == 2
    response = client.post(reverse("notifications:read_all"), follow=True)
    assert "已将 2 条消息标为已读" in response.content.decode()
    assert not Notification.objects.filter(recipient=alice, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=bobs[0].pk).read_at is None
    assert client.get(reverse("notifications:read_all")).status_code == 405


def test_the_pages_need_a_login(client, alice):
    for name in ("inbox", "preferences"):
        response = client.get(reverse(f"notifications:{name}"))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_preferences_per_kind_and_the_address(client, alice):
    client.force_login(alice)
    page = client.get(reverse("notifications:preferences")).content.decode()
    for kind in NotificationKind:
        assert str(kind.label) in page
    data = {kind: Delivery.INBOX for kind in NotificationKind.values}
    data.update({NotificationKind.STALE: Delivery.DIGEST, "email": "alice@example.gov.cn"})
    response = client.post(reverse("notifications:preferences"), data, follow=True)
    assert "消息设置已保存" in response.content.decode()
    assert preferences_of(alice) == {**{k: Delivery.INBOX for k in NotificationKind.values}, "stale": Delivery.DIGEST}
    alice.refresh_from_db()
    assert alice.email == "alice@example.gov.cn"


def test_bad_preferences_are_refused_in_chinese_naming_the_field(client, alice):
    client.force_login(alice)
    data = {kind: Delivery.EMAIL for kind in NotificationKind.values}
    data.update({NotificationKind.JOB: "fax", "email": "not-an-address"})
    response = client.post(reverse("notifications:preferences"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "接收邮箱格式不正确" in page and "送达方式无效，请重新选择" in page
    assert preferences_of(alice) == dict(DEFAULT_DELIVERY)  # nothing half written
    alice.refresh_from_db()
    assert alice.email == ""


def test_the_inbox_in_english(client, alice):
    remind(alice, 1)
    client.force_login(alice)
    client.cookies.load({"django_language": "en"})
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "Need “需求0” is waiting for verification" in page
    assert "Mark all as read" in page


def test_the_language_of_emails_follows_the_switch_and_the_settings_page(client, alice):
    client.force_login(alice)
    assert client.post(reverse("set_language"), {"language": "en", "next": "/"}).status_code == 302
    alice.refresh_from_db()
    assert alice.language == "en"
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert '<option value="en" selected>' in page
    data = {kind: Delivery.INBOX for kind in NotificationKind.values}
    data.update({"email": "", "language": "zh-hans"})
    client.post(reverse("notifications:preferences"), data)
    alice.refresh_from_db()
    assert alice.language == "zh-hans"
    data["language"] = "fr"
    response = client.post(reverse("notifications:preferences"), data)
    assert response.status_code == 200 and alice.language == "zh-hans"


def test_the_language_switch_still_works_without_logging_in(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302 and response.cookies["django_language"].value == "en"

"""Reminders reach people: the inbox always, e-mail at once or in the morning's digest as each person
chose, each event once, an unsubscribe link that works without logging in; against a real SMTP server."""

from __future__ import annotations

import re

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from techmayor.accounts.services import user_create
from techmayor.notifications import mail
from techmayor.notifications.choices import Delivery, NotificationKind
from techmayor.notifications.models import Notification, NotificationPreference
from techmayor.notifications.services import notify, preference_set
from techmayor.notifications.tasks import notification_digest_task, notification_retry_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice():
    user = user_create(username="alice", password="pw-For-Tests-1", display_name="王丽", must_change_password=False)
    user.email = "alice@example.gov.cn"
    user.save()
    return user


def remind(user, key="need:1:verified:7", kind=NotificationKind.INVITATION, title="电池低温续航不足"):
    return notify(
        recipients=[user],
        kind=kind,
        key=key,
        message="邀请你协同需求「%(title)s」，请接受或谢绝",
        params={"title": title},
        url="/needs/1/",
    )


def test_an_email_reminder_is_in_the_inbox_and_sent_once_through_smtp(smtp, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        [note] = remind(alice)
        assert remind(alice) == []  # the same event again: nobody is told twice
    assert Notification.objects.filter(recipient=alice).count() == 1
    [received] = smtp.messages
    assert received.recipients == ["alice@example.gov.cn"]
    assert received.sender == "noreply@techmayor.test"
    assert received.subject == "【科技镇长团】邀请你协同需求「电池低温续航不足」，请接受或谢绝"
    assert "王丽，您好" in received.text and "https://techmayor.test/needs/1/" in received.text
    assert 'href="https://techmayor.test/needs/1/"' in received.html
    # One-click unsubscribe (RFC 8058) and the same link in the text.
    header = received.message["List-Unsubscribe"]
    link = re.search(r"<(https://techmayor\.test/notifications/unsubscribe/[^>]+/)>", header)
    assert link and link.group(1) in received.text
    assert received.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    note.refresh_from_db()
    assert note.emailed_at is not None and note.email_attempts == 1 and note.read_at is None

    # Sending the same message again (a duplicated queue entry, a retry run) sends nothing.
    assert mail.send_now([note.pk]) == 0
    notification_retry_task()
    assert len(smtp.messages) == 1


def test_the_database_refuses_a_second_message_for_the_same_event(alice):
    remind(alice)
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(
            recipient=alice, kind=NotificationKind.INVITATION, key="need:1:verified:7", message="x", delivery="inbox"
        )


def test_inbox_only_sends_no_email(smtp, alice, django_capture_on_commit_callbacks):
    preference_set(user=alice, kind=NotificationKind.INVITATION, delivery=Delivery.INBOX)
    with django_capture_on_commit_callbacks(execute=True):
        [note] = remind(alice)
    notification_digest_task()
    notification_retry_task()
    assert smtp.messages == [] and note.delivery == Delivery.INBOX
    assert Notification.objects.get(pk=note.pk).emailed_at is None


def test_a_daily_digest_gathers_the_day_in_one_email_once(smtp, alice, django_capture_on_commit_callbacks):
    preference_set(user=alice, kind=NotificationKind.INVITATION, delivery=Delivery.DIGEST)
    preference_set(user=alice, kind=NotificationKind.REVIEW, delivery=Delivery.DIGEST)
    with django_capture_on_commit_callbacks(execute=True):
        remind(alice, key="a", title="电池低温续航不足")
        remind(alice, key="b", title="储能系统热管理")
        remind(alice, key="c", title="产线视觉检测", kind=NotificationKind.REVIEW)
    assert smtp.messages == []  # nothing at once
    notification_digest_task()
    [digest] = smtp.messages
    assert digest.subject == "【科技镇长团】今日提醒：3 条"
    for title in ("电池低温续航不足", "储能系统热管理", "产线视觉检测"):
        assert title in digest.text and title in digest.html
    assert "您有 3 条新提醒" in digest.text
    assert digest.message["List-Unsubscribe"]
    notification_digest_task()  # the next morning with nothing new: no e-mail
    assert len(smtp.messages) == 1
    with django_capture_on_commit_callbacks(execute=True):
        remind(alice, key="d", title="新材料中试")
    notification_digest_task()
    assert len(smtp.messages) == 2 and "新材料中试" in smtp.messages[1].text
    assert "电池低温续航不足" not in smtp.messages[1].text


def test_unsubscribing_from_the_email_link_without_logging_in(smtp, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        remind(alice)
    header = smtp.messages[0].message["List-Unsubscribe"]
    url = re.search(r"<https://techmayor\.test(/notifications/unsubscribe/[^>]+/)>", header).group(1)
    client = Client(enforce_csrf_checks=True)  # as a mail client's one-click POST: no session, no CSRF cookie
    page = client.get(url)
    assert page.status_code == 200 and "协同邀请和协同申请" in page.content.decode()
    assert not NotificationPreference.objects.filter(user=alice).exists()  # looking changes nothing
    done = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "已退订" in done.content.decode()
    assert NotificationPreference.objects.get(user=alice, kind=NotificationKind.INVITATION).delivery == Delivery.INBOX
    # The next invitation stays in the inbox.
    with django_capture_on_commit_callbacks(execute=True):
        remind(alice, key="next")
    assert len(smtp.messages) == 1
    assert Notification.objects.filter(recipient=alice).count() == 2


def test_unsubscribing_from_a_digest_stops_what_is_still_waiting(smtp, alice):
    preference_set(user=alice, kind=NotificationKind.REVIEW, delivery=Delivery.DIGEST)
    remind(alice, key="a", kind=NotificationKind.REVIEW)
    notification_digest_task()
    url = re.search(r"/notifications/unsubscribe/[^>]+/", smtp.messages[0].message["List-Unsubscribe"]).group(0)
    remind(alice, key="b", kind=NotificationKind.REVIEW)  # waits for tomorrow's digest
    assert Client().post(url).status_code == 200
    notification_digest_task()
    assert len(smtp.messages) == 1
    assert Notification.objects.get(key="b").delivery == Delivery.INBOX


def test_a_forged_or_cut_unsubscribe_link_is_refused_in_chinese(alice):
    from techmayor.notifications.services import unsubscribe_token

    token = unsubscribe_token(alice, [NotificationKind.REVIEW])
    for bad in (token[:-3] + "xyz", "abc", token.replace(":", ".", 1)):
        page = Client().post(reverse("notifications:unsubscribe", args=[bad]))
        assert page.status_code == 400 and "退订链接无效" in page.content.decode()
    assert not NotificationPreference.objects.exists()


def test_a_failed_send_is_kept_and_tried_again(smtp_settings, alice, django_capture_on_commit_callbacks):
    """No server listening: the message stays unsent with the error; the retry job sends it later."""
    with django_capture_on_commit_callbacks(execute=True):
        [note] = remind(alice)
    note.refresh_from_db()
    assert note.emailed_at is None and note.email_attempts == 1 and "Error" in note.email_error
    from aiosmtpd.controller import Controller

    from tests.notifications.conftest import Inbox

    server = Inbox()
    controller = Controller(server, hostname="127.0.0.1", port=smtp_settings.EMAIL_PORT)
    controller.start()
    try:
        Notification.objects.filter(pk=note.pk).update(created_at=note.created_at.replace(year=2020))
        notification_retry_task()
    finally:
        controller.stop()
    assert [m.recipients for m in server.messages] == [["alice@example.gov.cn"]]
    note.refresh_from_db()
    assert note.emailed_at is not None and note.email_attempts == 2


def test_a_person_without_an_address_is_told_in_the_inbox_only(smtp, django_capture_on_commit_callbacks):
    bob = user_create(username="bob", password="pw-For-Tests-1", must_change_password=False)
    with django_capture_on_commit_callbacks(execute=True):
        [note] = remind(bob)
    notification_retry_task()
    assert smtp.messages == []
    note.refresh_from_db()
    assert note.email_error == "没有邮箱地址" and note.emailed_at is None


def test_the_member_records_address_is_used_when_the_account_has_none(smtp, django_capture_on_commit_callbacks):
    from tests.factories import MemberFactory

    carol = user_create(username="carol", password="pw-For-Tests-1", must_change_password=False)
    MemberFactory(user=carol, email="carol@example.edu.cn")
    with django_capture_on_commit_callbacks(execute=True):
        remind(carol)
    assert [m.recipients for m in smtp.messages] == [["carol@example.edu.cn"]]


def test_an_email_speaks_its_readers_language(smtp, alice, django_capture_on_commit_callbacks):
    """A reader who works in English gets English e-mails; others the installation's language."""
    alice.language = "en"
    alice.save()
    with django_capture_on_commit_callbacks(execute=True):
        remind(alice)
    [received] = smtp.messages
    assert (
        received.subject
        == "[TechMayor] You are invited to collaborate on the need “电池低温续航不足”: accept or decline"
    )
    assert not re.search(r"[\u4e00-\u9fff]", received.text.replace("电池低温续航不足", "").replace("王丽", ""))

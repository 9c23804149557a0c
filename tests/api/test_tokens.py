"""Personal API tokens: stored as a digest only, shown once, expiring and revocable, audited; the
account page and ``techmayor api-token``."""

import datetime as dt
import hashlib
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.test import APIClient

from techmayor.accounts.models import ApiToken
from techmayor.accounts.services import api_token_create, api_token_revoke
from techmayor.config.cli import main as cli_main
from techmayor.core.errors import ApplicationError
from techmayor.core.models import AuditLog
from tests.web.conftest import account

pytestmark = pytest.mark.django_db


def bearer(token: str, keyword: str = "Bearer") -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{keyword} {token}")
    return client


def test_only_the_digest_is_stored_and_the_creation_is_audited():
    user = account("tokenuser")
    record, token = api_token_create(user=user, name="统计脚本", expires_days=30, by=user)
    assert token.startswith("tm_") and len(token) > 40
    stored = ApiToken.objects.get(pk=record.pk)
    assert stored.key_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(ApiToken.objects.filter(pk=record.pk).values().get())
    assert dt.timedelta(days=29) < stored.expires_at - timezone.now() <= dt.timedelta(days=30)
    log = AuditLog.objects.get(model="accounts.apitoken", object_id=str(record.pk), action="create")
    assert log.actor == user and token not in str(log.after) and stored.key_hash not in str(log.after)


@pytest.mark.parametrize(
    ("name", "days", "field"), [("", 30, "name"), ("x", 0, "expires_days"), ("x", 366, "expires_days")]
)
def test_bad_token_requests_name_the_field(name, days, field):
    with pytest.raises(ApplicationError) as err:
        api_token_create(user=account("u1"), name=name, expires_days=days)
    assert err.value.field == field


def test_a_token_works_with_bearer_or_token_until_revoked_or_expired():
    user = account("tokenuser")
    record, token = api_token_create(user=user, name="脚本")
    for keyword in ("Bearer", "Token", "bearer"):
        assert bearer(token, keyword).get("/api/v1/needs/").status_code == 200
    record.refresh_from_db()
    assert record.last_used_at is not None
    assert bearer(token + "x").get("/api/v1/needs/").status_code == 401
    ApiToken.objects.filter(pk=record.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert bearer(token).get("/api/v1/needs/").status_code == 401
    ApiToken.objects.filter(pk=record.pk).update(expires_at=timezone.now() + dt.timedelta(days=1))
    assert bearer(token).get("/api/v1/needs/").status_code == 200
    api_token_revoke(token=record, by=user)
    assert bearer(token).get("/api/v1/needs/").status_code == 401
    assert AuditLog.objects.filter(model="accounts.apitoken", object_id=str(record.pk), action="update").count() == 1
    _r, second = api_token_create(user=user, name="另一个")
    assert bearer(second).get("/api/v1/needs/").status_code == 200
    user.is_active = False
    user.save()
    assert bearer(second).get("/api/v1/needs/").status_code == 401  # a disabled account's tokens stop


def test_a_demo_accounts_token_works_only_where_demo_accounts_may_log_in(settings):
    user = account("demo_x")
    user.is_demo = True
    user.save()
    _record, token = api_token_create(user=user, name="演示")
    settings.DEMO_ACCOUNTS_ALLOWED = False
    assert bearer(token).get("/api/v1/needs/").status_code == 401
    settings.DEMO_ACCOUNTS_ALLOWED = True
    assert bearer(token).get("/api/v1/needs/").status_code == 200


def test_the_session_works_for_reads_and_keeps_the_csrf_check_for_writes(client):
    user = account("sessionuser")
    client.force_login(user)
    assert client.get("/api/v1/needs/").status_code == 200
    csrf_client = type(client)(enforce_csrf_checks=True)
    csrf_client.force_login(user)
    response = csrf_client.post("/api/v1/enterprises/", {"name": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_the_account_page_shows_a_new_token_once_and_revokes_it(client):
    user = account("pageuser")
    client.force_login(user)
    page = client.get("/accounts/")
    assert page.status_code == 200 and "API 令牌" in page.content.decode()
    response = client.post("/accounts/", {"name": "区统计脚本", "expires_days": "30"})
    html = response.content.decode()
    record = ApiToken.objects.get(user=user)
    token = html.split('id="tm-new-token">')[1].split("<")[0]
    assert hashlib.sha256(token.encode()).hexdigest() == record.key_hash
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    assert token not in client.get("/accounts/").content.decode()  # shown once
    assert bearer(token).get("/api/v1/needs/").status_code == 200
    # Another user cannot revoke it; its owner can.
    other = account("intruder")
    client.force_login(other)
    assert client.post(f"/accounts/tokens/{record.pk}/revoke/").status_code == 404
    client.force_login(user)
    assert client.post(f"/accounts/tokens/{record.pk}/revoke/").status_code == 302
    assert bearer(token).get("/api/v1/needs/").status_code == 401
    assert "已撤销" in client.get("/accounts/").content.decode()


def test_the_account_page_names_the_field_of_a_bad_request(client):
    client.force_login(account("pageuser2"))
    html = client.post("/accounts/", {"name": "x", "expires_days": "999"}).content.decode()
    assert "is-invalid" in html
    assert not ApiToken.objects.exists()


def test_the_command_prints_a_token_for_the_user(capsys, monkeypatch):
    from django.db import connections

    user = account("cliuser")
    # A command run from the command line closes the connections when it ends; the test's own must stay
    # open (on PostgreSQL it holds the test's transaction).
    monkeypatch.setattr(connections, "close_all", lambda: None)
    cli_main(["techmayor", "api-token", "cliuser", "--expires-days", "10"])
    token = capsys.readouterr().out.strip()
    record = ApiToken.objects.get(user=user)
    assert record.key_hash == hashlib.sha256(token.encode()).hexdigest()
    assert (record.expires_at - timezone.now()).days in (9, 10)
    assert AuditLog.objects.filter(model="accounts.apitoken", source="cli").exists()
    with pytest.raises(CommandError, match="用户不存在"):
        call_command("api_token", "nobody-here", stdout=io.StringIO())
    with pytest.raises(CommandError, match="有效天数"):
        call_command("api_token", "cliuser", "--expires-days", "0", stdout=io.StringIO())

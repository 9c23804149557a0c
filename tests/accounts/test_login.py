import pytest
from django.test import override_settings
from django.urls import reverse

from techmayor.accounts.choices import Role
from techmayor.accounts.services import DEMO_PASSWORD, role_grant, user_create
from tests.factories import city

pytestmark = pytest.mark.django_db


def test_first_login_forces_a_password_change(client):
    user_create(username="wang", password="Initial-pass-123", display_name="王")
    assert (
        client.post(reverse("accounts:login"), {"username": "wang", "password": "Initial-pass-123"}).status_code == 302
    )
    response = client.get(reverse("web:home"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_change")
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "Initial-pass-123",
            "new_password1": "A-much-better-pass-42",
            "new_password2": "A-much-better-pass-42",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("web:home")).status_code == 200


def test_repeated_failed_logins_are_throttled(client):
    user_create(username="li", password="Right-pass-123", must_change_password=False)
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "li", "password": "wrong"}, REMOTE_ADDR="10.0.0.1")
    response = client.post(
        reverse("accounts:login"), {"username": "li", "password": "Right-pass-123"}, REMOTE_ADDR="10.0.0.1"
    )
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()


@override_settings(DEMO_MODE=True)
def test_demo_accounts_are_listed_only_in_demo_mode(client):
    user = user_create(
        username="demo_admin",
        password=DEMO_PASSWORD,
        display_name="演示管理员",
        is_demo=True,
        must_change_password=False,
    )
    role_grant(user=user, role=Role.CITY_ADMIN, region=city())
    page = client.get(reverse("accounts:login")).content.decode()
    assert "demo_admin" in page and DEMO_PASSWORD in page and "市级管理员" in page
    with override_settings(DEMO_MODE=False):
        page = client.get(reverse("accounts:login")).content.decode()
    assert "demo_admin" not in page and DEMO_PASSWORD not in page


def test_passwords_are_hashed_with_argon2_in_production_settings():
    from django.conf import settings as django_settings

    from techmayor.config import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert django_settings.AUTH_USER_MODEL == "accounts.User"


def _fail(client, username, address):
    return client.post(reverse("accounts:login"), {"username": username, "password": "wrong"}, REMOTE_ADDR=address)


def test_password_spraying_from_one_address_is_blocked(client):
    user_create(username="zhao", password="Right-pass-123", must_change_password=False)
    for i in range(10):  # one try for each of 10 usernames: axes alone never locks any of them
        assert _fail(client, f"user{i}", "10.0.0.2").status_code == 200
    response = client.post(
        reverse("accounts:login"), {"username": "zhao", "password": "Right-pass-123"}, REMOTE_ADDR="10.0.0.2"
    )
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    # Another address is not affected.
    response = client.post(
        reverse("accounts:login"), {"username": "zhao", "password": "Right-pass-123"}, REMOTE_ADDR="10.0.0.3"
    )
    assert response.status_code == 302


@override_settings(LOGIN_FAILURES_GLOBAL="3/15m")
def test_failed_logins_from_many_addresses_add_up_to_a_global_limit(client):
    user_create(username="qian", password="Right-pass-123", must_change_password=False)
    for i in range(3):
        assert _fail(client, f"user{i}", f"10.1.0.{i}").status_code == 200
    response = client.post(
        reverse("accounts:login"), {"username": "qian", "password": "Right-pass-123"}, REMOTE_ADDR="10.1.0.99"
    )
    assert response.status_code == 429


def test_successful_logins_do_not_count(client):
    user_create(username="sun", password="Right-pass-123", must_change_password=False)
    for _ in range(12):
        response = client.post(
            reverse("accounts:login"), {"username": "sun", "password": "Right-pass-123"}, REMOTE_ADDR="10.0.0.4"
        )
        assert response.status_code == 302
        client.logout()


def test_login_counters_live_in_the_database_cache_not_in_process_memory(client):
    from django.conf import settings as django_settings
    from django.core.cache.backends.db import DatabaseCache
    from django.db import connection

    from techmayor.config import settings as production

    assert production.CACHES["default"]["BACKEND"].endswith("DatabaseCache")
    _fail(client, "nobody", "10.0.0.5")
    # A new cache object (as in another worker, or after a restart) reads the same counters from the table.
    location = django_settings.CACHES["default"]["LOCATION"]
    assert location in connection.introspection.table_names()
    fresh = DatabaseCache(location, {})
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key FROM {connection.ops.quote_name(location)}")
        keys = [row[0] for row in cursor.fetchall()]
    assert keys and all(fresh.get(key.split(":", 2)[-1]) is not None for key in keys)


def _demo_user():
    return user_create(username="demo_town", password=DEMO_PASSWORD, must_change_password=False, is_demo=True)


@override_settings(DEBUG=False, DEMO_ACCOUNTS_ALLOWED=False)
def test_demo_accounts_are_refused_unless_allowed(client):
    _demo_user()
    response = client.post(reverse("accounts:login"), {"username": "demo_town", "password": DEMO_PASSWORD})
    assert response.status_code == 200 and "演示账号只能在演示环境登录" in response.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(DEBUG=False, DEMO_ACCOUNTS_ALLOWED=True)
def test_allowed_demo_accounts_change_the_public_password_at_first_login(client):
    user = _demo_user()
    assert (
        client.post(reverse("accounts:login"), {"username": "demo_town", "password": DEMO_PASSWORD}).status_code == 302
    )
    assert client.get(reverse("web:home"))["Location"] == reverse("accounts:password_change")
    client.post(
        reverse("accounts:password_change"),
        {"old_password": DEMO_PASSWORD, "new_password1": "Town-office-2022!", "new_password2": "Town-office-2022!"},
    )
    user.refresh_from_db()
    assert not user.must_change_password
    client.logout()
    client.post(reverse("accounts:login"), {"username": "demo_town", "password": "Town-office-2022!"})
    assert client.get(reverse("web:home")).status_code == 200


@override_settings(DEBUG=True, DEMO_ACCOUNTS_ALLOWED=True)
def test_in_debug_the_demo_accounts_keep_their_public_password(client):
    _demo_user()
    client.post(reverse("accounts:login"), {"username": "demo_town", "password": DEMO_PASSWORD})
    assert client.get(reverse("web:home")).status_code == 200

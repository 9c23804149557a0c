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

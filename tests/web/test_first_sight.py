"""What a newcomer sees before anything else: the icon, the error pages under ``make run`` (DEBUG on),
and the language switch before logging in."""

from __future__ import annotations

import sys

import pytest
from django.test import Client, RequestFactory, override_settings
from django.views.debug import technical_500_response

from techmayor.accounts.services import user_create
from techmayor.core.middleware import FriendlyErrorPagesMiddleware

pytestmark = pytest.mark.django_db


def test_the_icon_is_served_where_browsers_ask_for_it(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("web/favicon.svg")
    assert b'rel="icon"' in client.get("/accounts/login/").content


@override_settings(DEBUG=True)
def test_a_missing_page_under_debug_is_the_platform_s_phone_sized_page():
    client = Client()
    client.force_login(user_create(username="reader", password="pw-123456", must_change_password=False))
    for path in ("/no-such-page/", "/scorecard/drill/no_such_metric/"):
        response = client.get(path)
        html = response.content.decode()
        assert response.status_code == 404
        assert 'name="viewport"' in html and "NONE,NOARCHIVE" not in html, path
    assert "没有这个指标" in html  # the view's own reason is kept


@override_settings(DEBUG=True, TECHNICAL_ERROR_PAGES=True)
def test_developers_can_keep_django_s_debug_pages():
    assert "NONE,NOARCHIVE" in Client().get("/no-such-page/").content.decode()


@override_settings(DEBUG=True)
def test_a_server_error_under_debug_is_the_platform_s_page():
    request = RequestFactory().get("/boom/")

    def fails(request):
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            return technical_500_response(request, *sys.exc_info())

    response = FriendlyErrorPagesMiddleware(fails)(request)
    assert response.status_code == 500
    assert b"NONE,NOARCHIVE" not in response.content and b"boom" not in response.content


def test_the_language_can_be_switched_before_logging_in(client):
    html = client.get("/accounts/login/").content.decode()
    assert 'action="/i18n/setlang/"' in html and 'name="language"' in html
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"}, follow=True)
    assert "Log in" in response.content.decode() or "Sign in" in response.content.decode()

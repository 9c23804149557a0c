"""`check --deploy` warns when the links in reminder e-mails would lead nowhere."""

from django.test import override_settings

from techmayor.notifications.checks import site_url_check


def ids(url: str) -> list[str]:
    with override_settings(SITE_URL=url):
        return [w.id for w in site_url_check(None)]


def test_site_url_must_be_the_address_users_reach():
    assert ids("http://127.0.0.1:8000") == ["notifications.W002"]
    assert ids("techmayor.example.gov.cn") == ["notifications.W001"]
    assert ids("https://techmayor.example.gov.cn") == []

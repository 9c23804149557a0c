"""`techmayor check --deploy`: links in reminder e-mails must lead to the site users reach."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def site_url_check(app_configs, **kwargs):
    parts = urlsplit(settings.SITE_URL)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return [
            Warning(
                "SITE_URL must be the site's address, e.g. https://techmayor.example.gov.cn", id="notifications.W001"
            )
        ]
    if parts.hostname in ("127.0.0.1", "localhost", "::1"):
        return [
            Warning(
                "SITE_URL points to this machine: the links in reminder e-mails will not work for their readers",
                hint="Set SITE_URL to the address users reach, e.g. https://techmayor.example.gov.cn",
                id="notifications.W002",
            )
        ]
    return []

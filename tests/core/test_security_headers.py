"""Every page carries a Content-Security-Policy without inline scripts and a Permissions-Policy; no template
has an inline script or event handler that the policy would block; idle sessions end."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import override_settings
from django.urls import reverse

from techmayor.accounts.services import user_create

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "techmayor"


def test_pages_send_a_content_security_policy_and_a_permissions_policy(client):
    response = client.get(reverse("accounts:login"))
    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]


def test_templates_have_no_inline_scripts_or_handlers():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        for script in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in script and 'type="application/json"' not in script:
                offenders.append(f"{path}: {script}")
        offenders += [f"{path}: {m}" for m in re.findall(r"\son[a-z]+\s*=", text)]
        offenders += [f"{path}: javascript:" for _ in re.findall(r"javascript:", text)]
    assert offenders == []


@override_settings(SESSION_IDLE_MINUTES=30)
def test_a_session_ends_after_the_idle_time(client):
    user_create(username="zhou", password="Right-pass-123", must_change_password=False)
    start = dt.datetime(2024, 3, 1, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        assert client.post(reverse("accounts:login"), {"username": "zhou", "password": "Right-pass-123"}).status_code
        assert client.get(reverse("web:home")).status_code == 200
        clock.shift(dt.timedelta(minutes=25))  # active again within the idle time: the session goes on
        assert client.get(reverse("web:home")).status_code == 200
        clock.shift(dt.timedelta(minutes=25))
        assert client.get(reverse("web:home")).status_code == 200
        clock.shift(dt.timedelta(minutes=31))  # idle too long
        response = client.get(reverse("web:home"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
        assert not Session.objects.filter(expire_date__gt=dt.datetime.now(dt.UTC)).exists()

"""The production configuration: check --deploy clean with the documented settings, the client's
address behind a trusted proxy, and the production server's guard."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.staticfiles.finders import get_finders
from django.core.management import CommandError, call_command
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from techmayor.config.settings import BASE_DIR
from techmayor.core.middleware import TrustedProxyMiddleware

DOCUMENTED = BASE_DIR / "deploy" / "techmayor.env"


def _documented_settings() -> dict[str, str]:
    pairs = (line.split("=", 1) for line in DOCUMENTED.read_text().splitlines() if line and not line.startswith("#"))
    return {key.strip(): value.strip() for key, value in pairs}


def test_check_deploy_is_clean_with_the_documented_production_settings(tmp_path):
    documented = _documented_settings()
    assert documented["DEBUG"] == "0"
    environ = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "TECHMAYOR_", "DEMO_"))},
        **documented,
        "DJANGO_SETTINGS_MODULE": "techmayor.config.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "TECHMAYOR_VAR_DIR": str(tmp_path / "var"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "techmayor.config.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=environ,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


def test_the_unit_files_run_what_the_readme_documents():
    units = {p.name: p.read_text() for p in (BASE_DIR / "deploy").glob("techmayor-*")}
    assert "techmayor serve --no-jobs" in units["techmayor-web.service"]
    assert "techmayor run_huey" in units["techmayor-worker.service"]
    assert "techmayor backup" in units["techmayor-backup.service"]
    assert "OnCalendar=" in units["techmayor-backup.timer"]
    readme = (BASE_DIR / "README.md").read_text()
    for name in [*units, "techmayor.env", "nginx.conf"]:
        assert f"deploy/{name}" in readme


def _client_address(remote: str, forwarded: str | None = None) -> str:
    request = RequestFactory().get(
        "/", REMOTE_ADDR=remote, **({"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {})
    )
    seen = {}

    def view(req):
        seen["addr"] = req.META["REMOTE_ADDR"]
        return HttpResponse()

    TrustedProxyMiddleware(view)(request)
    return seen["addr"]


@override_settings(TRUSTED_PROXIES=["127.0.0.1", "10.1.0.0/16"])
def test_the_client_address_comes_from_a_trusted_proxy_only():
    assert _client_address("127.0.0.1", "203.0.113.7") == "203.0.113.7"
    # A chain of trusted proxies: the right-most address that is not one of them is the client.
    assert _client_address("10.1.2.3", "198.51.100.1, 203.0.113.7, 10.1.0.9") == "203.0.113.7"
    # A client cannot name itself: from an untrusted peer the header is ignored.
    assert _client_address("198.51.100.20", "1.2.3.4") == "198.51.100.20"
    assert _client_address("127.0.0.1", "not-an-address") == "127.0.0.1"
    assert _client_address("127.0.0.1") == "127.0.0.1"


def test_without_trusted_proxies_the_header_is_ignored():
    assert _client_address("127.0.0.1", "203.0.113.7") == "127.0.0.1"


@override_settings(DEBUG=True)
def test_serve_refuses_to_run_with_debug_on():
    with pytest.raises(CommandError, match="DEBUG 须关闭"):
        call_command("serve", "--no-collectstatic", "--no-jobs")


def test_collectstatic_leaves_out_what_no_page_loads():
    ignore = apps.get_app_config("staticfiles").ignore_patterns
    kept = {Path(path).name for finder in get_finders() for path, _ in finder.list(ignore)}
    assert {"echarts.min.js", "bootstrap.min.css", "htmx.min.js", "bootstrap.bundle.min.js"} <= kept
    assert not any(name.endswith((".map", ".mjs")) or name == "echarts.js" for name in kept)

"""Browser tests: a real headless Chromium (Debian's ``chromium`` package) driven by Playwright
against Django's live test server. They skip with a clear reason when Chromium is not installed.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls made by the
# test itself (arranging data, asserting results) are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONE = {"width": 375, "height": 812}


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    """A page in a phone-sized viewport (375 px wide), Chinese locale."""
    context = browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def screenshot(page, name: str, *, height: int | None = None) -> None:
    """Keep a screenshot of a main page in docs/screenshots/NAME.png (shown in the README), only when
    TECHMAYOR_SCREENSHOTS=1. The viewport by default; ``height`` (CSS px) takes the page from its top
    down to that height (or its end), for pages whose point lies below the fold."""
    if not os.environ.get("TECHMAYOR_SCREENSHOTS"):
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("document.fonts.ready")
    page.evaluate("window.scrollTo(0, 0)")
    path = str(SCREENSHOTS / f"{name}.png")
    if height is None:
        page.screenshot(path=path)
        return
    # A taller viewport rather than a full-page shot, so the phone's fixed tab bar stays at the bottom.
    viewport = page.viewport_size
    full = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": viewport["width"], "height": max(viewport["height"], min(full, height))})
    try:
        page.evaluate("document.fonts.ready")
        page.screenshot(path=path)
    finally:
        page.set_viewport_size(viewport)

"""The API's docs page (Swagger UI from drf-spectacular-sidecar, served by us) and the account page's
tokens in a real Chromium under the Content-Security-Policy: no violation, no script error, the
operations listed, and "Try it out" calling the API with the page's session."""

from __future__ import annotations

import pytest

from tests.browser.actors import Actor
from tests.browser.test_csp import WATCH_JS
from tests.needs.world import build_world

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_docs_page_works_under_the_csp_and_calls_the_api(live_server, browser):
    world = build_world()
    actor = Actor(browser, live_server.url, None)
    problems: list[str] = []
    actor.context.add_init_script(WATCH_JS)
    # Failed loads are caught below by their response (the browser's own favicon probe is not ours).
    actor.page.on(
        "console",
        lambda msg: (
            problems.append(msg.text)
            if msg.type == "error" and not msg.text.startswith("Failed to load resource")
            else None
        ),
    )
    actor.page.on("pageerror", lambda exc: problems.append(str(exc)))
    actor.page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    outside: list[str] = []
    actor.page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
    try:
        actor.login(world.users["admin"].username, "pw-For-Tests-1")
        page = actor.page
        actor.goto(f"{live_server.url}/api/docs/")
        page.wait_for_selector(".opblock-tag", timeout=20_000)
        assert page.locator(".opblock-tag", has_text="企业需求").count() == 1
        # A call from the docs with the logged-in session, then a token made on the account page.
        operation = page.locator('[id$="-groups_list"]')
        operation.locator(".opblock-summary").click()
        operation.locator("button.try-out__btn").click()
        operation.locator("button.execute").click()
        status = operation.locator(".live-responses-table tbody .response-col_status").first
        status.wait_for(timeout=20_000)
        assert "200" in status.inner_text()
        assert "溧阳团" in operation.locator(".live-responses-table .microlight").first.inner_text()
        problems.extend(page.evaluate("window.__csp || []"))
        actor.goto(f"{live_server.url}/accounts/")
        page.get_by_label("名称（用途）").fill("浏览器里创建")
        actor.submit(page.get_by_role("button", name="创建令牌"))
        assert page.locator("#tm-new-token").inner_text().startswith("tm_")
        problems.extend(page.evaluate("window.__csp || []"))
    finally:
        actor.close()
    assert problems == []
    assert outside == []  # nothing from a CDN


def test_the_account_page_fits_a_phone(live_server, browser):
    """Creating and revoking a token on a 375 px phone: nothing overflows (``Actor.settle`` checks)."""
    world = build_world()
    actor = Actor(browser, live_server.url, world.users["member"].username, "pw-For-Tests-1", phone=True)
    try:
        actor.goto(f"{live_server.url}/accounts/")
        actor.page.get_by_label("名称（用途）").fill("手机上创建的令牌，名字写得比较长一些")
        actor.submit(actor.page.get_by_role("button", name="创建令牌"))
        assert actor.page.locator("#tm-new-token").inner_text().startswith("tm_")
        actor.submit(actor.page.get_by_role("button", name="撤销"))
        actor.expect_text("已撤销")
    finally:
        actor.close()

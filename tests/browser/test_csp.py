"""Every role's main pages in a real Chromium under the Content-Security-Policy: nothing is refused
(no inline script or handler left), no script error, and the behaviours moved out of inline handlers work."""

from __future__ import annotations

import pytest

from techmayor.needs.choices import NeedState
from tests.browser.actors import Actor
from tests.needs.world import build_world

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = (
    "web:home",
    "needs:need_list",
    "enterprises:enterprise_list",
    "ledger:record_index",
    "dashboards:dashboard",
    "scorecard:overview",
    "scorecard:briefing",
)
ROLES = ("admin", "leader", "district", "town", "group_leader", "member")
# Records every violation of the policy, whether or not the browser also logs it.
WATCH_JS = """document.addEventListener('securitypolicyviolation', e =>
  (window.__csp = window.__csp || []).push(e.violatedDirective + ' ' + e.blockedURI));"""


def test_no_page_breaks_the_content_security_policy_for_any_role(live_server, browser):
    world = build_world()
    need = world.place("ly", NeedState.PUBLISHED)
    problems = []
    for role in ROLES:
        actor = Actor(browser, live_server.url, None)
        actor.context.add_init_script(WATCH_JS)
        actor.page.on(
            "console",
            lambda msg, role=role: (
                problems.append(f"{role}: {msg.text}")
                if msg.type == "error" and "Content Security Policy" in msg.text
                else None
            ),
        )
        actor.page.on("pageerror", lambda exc, role=role: problems.append(f"{role}: {exc}"))
        try:
            actor.login(world.users[role].username, "pw-For-Tests-1")
            for name in PAGES:
                actor.goto(actor.url(name))
                problems.extend(f"{role} {name}: {v}" for v in actor.page.evaluate("window.__csp || []"))
            actor.goto(actor.url("needs:need_detail", need.pk))
            problems.extend(f"{role} need: {v}" for v in actor.page.evaluate("window.__csp || []"))
        finally:
            actor.close()
    assert problems == []


def test_the_language_switch_works_without_an_inline_handler(live_server, browser):
    world = build_world()
    actor = Actor(browser, live_server.url, world.users["member"].username, "pw-For-Tests-1")
    try:
        actor.page.locator("nav .dropdown-toggle").last.click()
        with actor.page.expect_navigation():
            actor.page.select_option("select[name=language]", "en")
        actor.settle()
        assert actor.page.locator("html").get_attribute("lang") == "en"
    finally:
        actor.close()

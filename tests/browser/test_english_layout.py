"""English on a 375 px phone: the product name leaves the bell and the menu button on the first row,
and a match's decline controls show their whole labels."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from tests.browser.actors import Actor
from tests.browser.conftest import PHONE

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "pw-For-Tests-1"

# How much of each control's own text is hidden: the text's width minus the room the control gives it.
CLIPPED_JS = """el => {
  const style = getComputedStyle(el);
  const text = el.tagName === 'SELECT' ? el.options[el.selectedIndex].text : el.placeholder;
  const ctx = document.createElement('canvas').getContext('2d');
  ctx.font = style.font;
  const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return ctx.measureText(text).width - room;
}"""


def english_phone(browser, base_url: str, username: str) -> Actor:
    actor = Actor(browser, base_url, None, phone=True)
    actor.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": base_url}])
    actor.login(username, PASSWORD)
    return actor


def test_the_menu_button_stays_beside_the_product_name_at_375px(live_server, browser):
    from tests.needs.world import build_world

    world = build_world()
    actor = english_phone(browser, live_server.url, world.users["admin"].username)
    try:
        page = actor.page
        assert page.locator("html").get_attribute("lang") == "en"
        brand = page.locator(".navbar-brand").bounding_box()
        toggler = page.locator(".navbar-toggler").bounding_box()
        bell = page.locator(".tm-bell").bounding_box()
        for other in (toggler, bell):
            assert abs(other["y"] + other["height"] / 2 - (brand["y"] + brand["height"] / 2)) < 8, (brand, other)
        assert toggler["x"] + toggler["width"] <= PHONE["width"]
        assert page.locator(".navbar-brand").inner_text().strip().startswith("S&T")
    finally:
        actor.context.close()


def test_the_decline_controls_are_whole_at_375px(live_server, browser, settings, tmp_path):
    from tests.web.test_english import build_need_world_with_matches

    settings.MATCHING_INDEX_DIR = str(tmp_path / "index")
    world = build_need_world_with_matches()
    need = world.needs["ly"]
    actor = english_phone(browser, live_server.url, world.users["admin"].username)
    try:
        actor.goto(live_server.url + reverse("needs:need_detail", args=[need.pk]))
        page = actor.page
        form = page.locator("form.tm-decline").first
        form.wait_for(state="visible")
        select, note = form.locator("select[name=reason]"), form.locator("input[name=reason_text]")
        assert select.locator("option").first.inner_text() == "Decline reason…"
        assert note.get_attribute("placeholder") == "Note (optional)"
        for control in (select, note, form.locator("button")):
            box = control.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
        assert select.evaluate(CLIPPED_JS) <= 0, "the decline reason's label is cut off"
        assert note.evaluate(CLIPPED_JS) <= 0, "the note's placeholder is cut off"
    finally:
        actor.context.close()


def test_the_dashboard_fits_a_375px_phone_in_english(live_server, browser):
    """The figure pickers hold the longest English figure names; they shrink to the card."""
    from tests.needs.world import build_world

    world = build_world()
    actor = english_phone(browser, live_server.url, world.users["admin"].username)
    try:
        actor.goto(live_server.url + reverse("dashboards:dashboard"))  # settle() fails on any overflow
        picker = actor.page.locator("#trend-metric")
        assert picker.locator("option").count() > 1
        box = picker.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    finally:
        actor.context.close()

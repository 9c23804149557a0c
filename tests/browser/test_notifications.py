"""The bell and the inbox in a browser: beside the menu button on a 375 px phone (same row), at the end
of the bar on a desktop, and the inbox usable on both without horizontal scrolling."""

from __future__ import annotations

import pytest
from django.urls import reverse

from techmayor.accounts.services import user_create
from techmayor.notifications.choices import NotificationKind
from techmayor.notifications.services import notify

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, live_server, username):
    page.goto(live_server.url + reverse("accounts:login"))
    page.fill("#id_username", username)
    page.fill("#id_password", "Bell-pass-123")
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + reverse("web:home"))


@pytest.fixture
def reader():
    user = user_create(username="li", password="Bell-pass-123", display_name="李明", must_change_password=False)
    for i in range(3):
        notify(
            recipients=[user],
            kind=NotificationKind.REVIEW,
            key=f"k{i}",
            message="需求「%(title)s」待核实",
            params={"title": f"高镍三元正极材料高温循环寿命提升{i}"},
            url=reverse("web:home"),
        )
    return user


def box(page, selector):
    return page.locator(selector).first.bounding_box()


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_the_bell_counts_and_the_inbox_marks_read(live_server, reader, device, request):
    page = request.getfixturevalue(device)
    width = page.viewport_size["width"]
    log_in(page, live_server, "li")
    bell = page.locator("[data-tm-bell]")
    assert bell.is_visible() and bell.inner_text().strip() == "3"
    if device == "phone":  # on the brand's row, left of the menu button
        b, toggler = box(page, "[data-tm-bell]"), box(page, ".navbar-toggler")
        assert abs((b["y"] + b["height"] / 2) - (toggler["y"] + toggler["height"] / 2)) < 12
        assert b["x"] + b["width"] <= toggler["x"]
    else:  # after the user menu, at the right end
        assert box(page, "[data-tm-bell]")["x"] > box(page, "#mainNav .dropdown-toggle")["x"]
    bell.click()
    page.wait_for_url(live_server.url + reverse("notifications:inbox"))
    assert page.locator("[data-tm-notification]").count() == 3
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.locator("[data-tm-notification] a").first.click()  # opening one marks it read
    page.wait_for_url(live_server.url + reverse("web:home"))
    assert page.locator("[data-tm-bell]").inner_text().strip() == "2"
    page.goto(live_server.url + reverse("notifications:inbox"))
    page.get_by_role("button", name="全部标为已读").click()
    page.wait_for_url(live_server.url + reverse("notifications:inbox"))
    assert page.locator("[data-tm-bell] .badge").count() == 0
    page.goto(live_server.url + reverse("notifications:preferences"))
    assert page.evaluate("document.documentElement.scrollWidth") <= width

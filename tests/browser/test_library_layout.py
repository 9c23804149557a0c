"""The library's pages in a real Chromium: nothing overflows a 375 px phone (``Actor.settle``
checks every page), and they render on a 1280 px desktop."""

from __future__ import annotations

import pytest
from django.urls import reverse

from techmayor.matchmaking import services as matching
from techmayor.resources.models import Achievement
from tests.browser.actors import Actor
from tests.library.conftest import Lib

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "pw-For-Tests-1"  # the need world's accounts


@pytest.mark.parametrize("who, phone", [("member", True), ("admin", False)], ids=["375px", "1280px"])
def test_library_pages_fit_the_screen(live_server, browser, who, phone, settings, tmp_path):
    settings.MATCHING_INDEX_DIR = str(tmp_path / "index")
    matching.matcher_forget()
    lib = Lib()
    matching.matching_index_build()
    matching.need_assessments_refresh(force=True)
    e1 = lib.experts["E1"]
    battery = Achievement.objects.get(external_id="p-battery")
    actor = Actor(browser, live_server.url, who, PASSWORD, phone=phone)
    for path in (
        reverse("library:expert_list"),
        reverse("library:expert_detail", args=[e1.pk]),
        reverse("library:achievement_detail", args=[battery.pk]),
        reverse("library:university_detail", args=[lib.u1.pk]),
        reverse("library:expert_edit", args=[e1.pk]),
        reverse("library:expert_merge", args=[e1.pk]),
        reverse("library:achievement_create"),
        reverse("library:planner") + f"?r={battery.pk}&q=电池",
    ):
        actor.goto(live_server.url + path)
        assert actor.page.locator("h1").count() == 1, path
    if who == "admin":  # a plain member does not see the unpublished need that makes the enterprise a prospect
        assert lib.world.needs["ly"].enterprise.name in actor.page.content()  # the planner's list
    actor.context.close()
    matching.matcher_forget()

"""The library's pages in a real Chromium: nothing overflows a 375 px phone (``Actor.settle``
checks every page), and they render on a 1280 px desktop."""

from __future__ import annotations

import pytest
from django.urls import reverse

from techmayor.ledger.models import Event
from techmayor.library import prospects
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


def test_a_member_saves_the_planners_plan_as_an_event_on_a_phone(live_server, browser, settings, tmp_path):
    """Planner → 保存为成果推介活动 → the saved event's page with its results and invitation list,
    every page within 375 px."""
    settings.MATCHING_INDEX_DIR = str(tmp_path / "index")
    matching.matcher_forget()
    prospects.pool_forget()
    lib = Lib()
    battery = Achievement.objects.get(external_id="p-battery")
    Achievement.objects.filter(pk=battery.pk).update(stage="pilot")
    enterprise = lib.world.needs["ly"].enterprise
    actor = Actor(browser, live_server.url, "credited", PASSWORD, phone=True)  # collected the 溧阳 need
    actor.goto(live_server.url + reverse("library:planner") + f"?r={battery.pk}&q=电池&stage=pilot")
    actor.submit(actor.page.locator("#save-event"))
    assert actor.page.locator("#invited-enterprises").get_by_text(enterprise.name).count() == 1
    actor.page.fill("#id_title", "锂电池成果推介会")
    actor.submit(actor.page.get_by_role("button", name="保存活动"))
    event = Event.objects.get()
    assert actor.page.url == live_server.url + reverse("ledger:event_detail", args=[event.pk])
    actor.expect_text("锂电池成果推介会", "锂离子电池循环寿命与容量衰减机理研究", "邀请名单", enterprise.name)
    assert actor.page.locator("#promotion-invitations a", has_text="导出邀请名单").count() == 1
    # the need page's matches with their 采纳 / 婉拒 controls fit the phone as well
    matching.matching_index_build()
    actor.goto(live_server.url + reverse("needs:need_detail", args=[lib.world.needs["ly"].pk]))
    assert actor.page.locator("#matches .tm-decline").count() > 0
    actor.context.close()
    prospects.pool_forget()

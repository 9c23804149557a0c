"""Screenshots of the main pages for the README, made from the demo (``techmayor demo``) in a real browser.

Only with TECHMAYOR_SCREENSHOTS=1 (it builds the whole demo, about half a minute):

    TECHMAYOR_SCREENSHOTS=1 .venv/bin/python -m pytest tests/browser/test_screenshots.py -p no:cacheprovider

Member pages are taken on a 375 px phone, administrators' and list pages on a 1280 px desktop;
the PNGs go to docs/screenshots/.
"""

from __future__ import annotations

import os

import pytest
from django.db.models import Count, Q
from django.urls import reverse

from techmayor.accounts.services import DEMO_PASSWORD
from techmayor.demo.builder import build_demo
from techmayor.enterprises.models import Enterprise
from techmayor.enterprises.selectors import initials
from techmayor.matchmaking.services import matching_index_build, need_assessments_refresh
from techmayor.needs.choices import NeedState
from techmayor.needs.models import Need
from techmayor.needs.selectors import need_visible
from techmayor.roster.models import Member
from tests.browser.actors import Actor
from tests.browser.conftest import SCREENSHOTS, screenshot

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("TECHMAYOR_SCREENSHOTS"), reason="screenshots only with TECHMAYOR_SCREENSHOTS=1"
    ),
]

NAMES = [
    "login",
    "home",
    "visit-log",
    "need-list",
    "need-detail",
    "enterprise",
    "group",
    "scorecard",
    "matching-index",
    "dashboard",
    "dashboard-phone",
]


def _showcase_need(member: Member) -> Need:
    """A completed need the member may read, with a short text, some progress and an outcome round."""
    needs = (
        need_visible(member.user)
        .filter(state=NeedState.COMPLETED)
        .annotate(
            progress=Count("progress_entries", distinct=True),
            rounds=Count("outcome_rounds", distinct=True, filter=Q(outcome_rounds__is_approved=True)),
        )
        .filter(progress__gte=1, progress__lte=3, rounds__gte=1)
        .order_by("pk")
    )
    return min(needs, key=lambda n: (-n.progress, len(n.description) + len(n.solution)))


def _showcase_enterprise(member: Member) -> Enterprise:
    """The enterprise of the member's group with the richest timeline (visits and needs)."""
    return (
        Enterprise.objects.filter(visits__group__tenures__member=member)
        .annotate(n=Count("visits", distinct=True) + Count("needs", distinct=True))
        .order_by("-n", "pk")
        .first()
    )


def test_screenshots_of_the_main_pages(live_server, browser, settings, tmp_path):
    settings.DEMO_MODE = True  # the login page lists the demo accounts
    settings.MATCHING_INDEX_DIR = str(tmp_path / "index")  # the need page shows its matches
    result = build_demo()
    assert result.created
    matching_index_build()
    need_assessments_refresh()
    member = Member.objects.get(user__username="demo_member")
    group = member.tenures.select_related("group").get(batch=result.batch).group
    need = _showcase_need(member)
    enterprise = _showcase_enterprise(member)
    base = live_server.url
    for old in SCREENSHOTS.glob("*.png"):
        if old.stem in NAMES:
            old.unlink()

    actors = []
    try:
        # --- on a phone: the login page, then the member's pages
        phone = Actor(browser, base, None, phone=True)
        actors.append(phone)
        phone.goto(base + reverse("accounts:login"))
        phone.expect_text("演示账号", "demo_member")
        screenshot(phone.page, "login")

        phone.login("demo_member", DEMO_PASSWORD)
        phone.expect_text("我的待办", "本月")
        screenshot(phone.page, "home")

        phone.goto(base + reverse("ledger:visit_create"))
        phone.page.fill("#id_enterprise", initials(enterprise.name)[:6])
        pick = phone.page.locator(".tm-picker-results [data-tm-pick]", has_text=enterprise.name)
        pick.wait_for(state="visible")
        pick.click()
        phone.page.fill("#id_note", "与企业总经理交流新产线的检测需求")
        row = phone.page.locator("[data-tm-row]").first
        row.locator("[name=need_title]").fill("产线视觉检测")
        row.locator("[name=need_text]").fill("新产线需要一套视觉检测方案，希望对接高校团队")
        phone.page.evaluate("document.activeElement && document.activeElement.blur()")
        screenshot(phone.page, "visit-log", height=1400)

        phone.goto(base + reverse("needs:need_detail", args=[need.pk]))
        phone.expect_text(need.title, "流转记录")
        screenshot(phone.page, "need-detail", height=1750)

        district = Actor(browser, base, "demo_district", DEMO_PASSWORD, phone=True)
        actors.append(district)
        district.goto(base + reverse("dashboards:dashboard"))
        district.page.wait_for_selector("#chart-coop-funnel canvas")
        district.page.wait_for_timeout(1000)
        screenshot(district.page, "dashboard-phone", height=1700)

        phone.goto(base + reverse("roster:group_detail", args=[group.pk]))
        phone.expect_text(group.name, "工作成效")
        screenshot(phone.page, "group", height=1500)

        # --- on a desktop: the administrator's lists and the scorecard, an enterprise's page
        desk = Actor(browser, base, "demo_admin", DEMO_PASSWORD)
        actors.append(desk)
        desk.goto(base + reverse("needs:need_list") + "?order=match")
        desk.expect_text("共")
        desk.page.wait_for_selector("[data-match=good]")
        screenshot(desk.page, "need-list")

        desk.goto(base + reverse("enterprises:enterprise_detail", args=[enterprise.pk]))
        desk.expect_text(enterprise.name, "服务历程")
        screenshot(desk.page, "enterprise")

        desk.goto(base + reverse("scorecard:overview"))
        desk.expect_text("创新成绩单", group.name)
        screenshot(desk.page, "scorecard", height=1300)

        desk.goto(base + reverse("dashboards:dashboard"))
        desk.page.wait_for_selector("#chart-map canvas")
        desk.page.wait_for_timeout(1000)  # the charts' entry animation
        screenshot(desk.page, "dashboard", height=2400)

        desk.goto(base + reverse("matchmaking:index"))
        desk.page.click("text=重建索引")
        desk.page.wait_for_selector("[data-status=done]", timeout=60_000)
        desk.expect_text("索引已建立")
        screenshot(desk.page, "matching-index")
    finally:
        for actor in actors:
            actor.close()

    for name in NAMES:
        path = SCREENSHOTS / f"{name}.png"
        assert path.is_file(), name
        assert path.stat().st_size < 400_000, f"{name}.png is {path.stat().st_size // 1000} KB"

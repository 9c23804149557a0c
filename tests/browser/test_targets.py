"""/targets/ in a real Chromium: the city administrator on a 375 px phone and a 1280 px desktop and the
captain's home page on the phone: the chart is drawn with the actual line, the pace, the forecast band and
the target, nothing overflows the phone, nothing is logged as an error."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.browser.actors import Actor
from tests.targets.conftest import TODAY, add_visits
from tests.web.conftest import build_world

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "pw-123456"
SERIES_JS = """() => echarts.getInstanceByDom(document.getElementById('target-chart')).getOption().series
  .map(s => s.name + ':' + s.data.length)"""


def world_with_targets(settings):
    from techmayor.targets.services import target_set

    settings.TECHMAYOR_TODAY = TODAY
    w = build_world()
    add_visits(w, w.jintan, w.jt_a, [dt.date(2021, 10, 5), dt.date(2021, 11, 5)])
    for group, value in ((w.liyang, 1), (w.jintan, 30)):
        target_set(batch=w.batch, metric="visits", value=value, group=group, by=w.users.admin)
    target_set(batch=w.batch, metric="agreements", value=5, by=w.users.admin)
    return w


def watch(actor) -> list[str]:
    errors: list[str] = []
    actor.page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    actor.page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


@pytest.mark.parametrize("phone", [False, True], ids=["1280px", "375px"])
def test_the_targets_page_draws_the_chart(live_server, browser, settings, phone):
    w = world_with_targets(settings)
    admin = Actor(browser, live_server.url, w.users.admin.username, PASSWORD, phone=phone)
    errors = watch(admin)
    try:
        admin.goto(admin.url("targets:target_list"))
        admin.page.wait_for_selector("#target-chart canvas")
        admin.settle()  # on the phone: fails when anything is wider than 375 px
        series = admin.page.evaluate(SERIES_JS)
        assert [s.split(":")[0] for s in series] == ["实际完成", "时序进度", "目标", "预计下限", "预计区间", "预计"]
        assert "进度滞后" in admin.text() and "提前完成" in admin.text()
        admin.page.select_option("[data-tm-target-select]", index=2)
        admin.page.wait_for_function("() => true")
        assert errors == []
    finally:
        admin.close()


def test_the_captains_home_page_shows_the_groups_targets_on_a_phone(live_server, browser, settings):
    w = world_with_targets(settings)
    captain = Actor(browser, live_server.url, w.users.gl_ly.username, PASSWORD, phone=True)
    errors = watch(captain)
    try:
        captain.goto(captain.url("web:home"))
        captain.settle()
        assert "本支团目标" in captain.text() and "提前完成" in captain.text()
        assert errors == []
    finally:
        captain.close()

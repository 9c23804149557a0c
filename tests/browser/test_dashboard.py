"""/dashboard/ in a real Chromium: as the city administrator and as a district's staff, on a 375 px phone
and a 1280 px desktop, every chart is drawn (a canvas), nothing is logged to the console as an error,
nothing overflows the phone, a funnel step opens its records and print shows the tables."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.browser.actors import Actor
from tests.web.conftest import build_world

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "pw-123456"  # build_world's accounts
CHARTS = ("trend", "need-funnel", "coop-funnel", "compare", "map")
MAP_DATA_JS = """() => {
  const chart = echarts.getInstanceByDom(document.getElementById('chart-map'));
  return chart.getOption().series[0].data.filter(d => typeof d.value === 'number').map(d => d.name + '=' + d.value);
}"""
# The shapes the browser decoded from the gzip-encoded /dashboard/geo/ response and registered.
MAP_SHAPES_JS = "() => echarts.getMap('常州市').geoJSON.features.map(f => f.properties.name)"


def open_dashboard(browser, base: str, username: str, *, phone: bool) -> tuple[Actor, list[str]]:
    actor = Actor(browser, base, username, PASSWORD, phone=phone)
    errors: list[str] = []
    actor.page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    actor.page.on("pageerror", lambda exc: errors.append(str(exc)))
    actor.goto(actor.url("dashboards:dashboard"))
    for chart in CHARTS:
        actor.page.wait_for_selector(f"#chart-{chart} canvas")
    actor.page.wait_for_function(
        "() => echarts.getInstanceByDom(document.getElementById('chart-map')).getOption().series.length > 0"
    )
    actor.settle()  # on the phone: fails when anything is wider than 375 px
    return actor, errors


@pytest.mark.parametrize("phone", [False, True], ids=["1280px", "375px"])
def test_the_dashboard_draws_every_chart_for_each_scope(live_server, browser, phone):
    w = build_world()
    actors = []
    try:
        admin, admin_errors = open_dashboard(browser, live_server.url, w.users.admin.username, phone=phone)
        actors.append(admin)
        assert sorted(admin.page.evaluate(MAP_DATA_JS)) == ["溧阳市=1", "金坛区=1"]
        assert sorted(admin.page.evaluate(MAP_SHAPES_JS)) == sorted(
            ["天宁区", "钟楼区", "新北区", "武进区", "金坛区", "溧阳市"]
        )
        district, district_errors = open_dashboard(browser, live_server.url, w.users.ds_jt.username, phone=phone)
        actors.append(district)
        assert district.page.evaluate(MAP_DATA_JS) == ["金坛区=1"]
        assert "溧阳团" not in district.text()
        assert admin_errors == [] and district_errors == []
    finally:
        for actor in actors:
            actor.close()


def test_a_funnel_step_opens_its_records_and_tables_show_on_toggle_and_in_print(live_server, browser):
    w = build_world()
    admin, errors = open_dashboard(browser, live_server.url, w.users.admin.username, phone=False)
    try:
        page = admin.page
        table = page.locator("#table-coop-funnel")
        assert not table.is_visible()
        page.locator('[aria-controls="table-coop-funnel"]').click()
        table.wait_for(state="visible")
        assert page.locator('[aria-controls="table-coop-funnel"]').get_attribute("aria-expanded") == "true"

        page.emulate_media(media="print")
        page.locator("#table-trend table").first.wait_for(state="visible")
        page.emulate_media(media="screen")

        # The widest band at the top of the cooperation funnel is the step "合作意向".
        box = page.locator("#chart-coop-funnel").bounding_box()
        with page.expect_navigation():
            page.mouse.click(box["x"] + box["width"] / 2, box["y"] + 30)
        assert page.url.startswith(live_server.url + reverse("cooperation:intent_list"))
        admin.settle()
        assert w.ly["intent"].title in admin.text() and w.jt["intent"].title in admin.text()
        assert errors == []
    finally:
        admin.close()

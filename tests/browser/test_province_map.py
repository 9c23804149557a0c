"""/scorecard/province/ in a real Chromium: the map of Jiangsu's cities is drawn from the shapes of the npm
package echarts 4.9.0 (served as one static file), with a figure on each city that has a batch that year
and none on the others (grey), at 375 px and 1280 px, in Chinese and in English; a city opens its
scorecard; choosing another figure recolours the map."""

from __future__ import annotations

import pytest
from django.conf import settings

from techmayor.core.models import RegionLevel
from techmayor.ledger.services import visit_log
from techmayor.roster.models import Batch
from tests.browser.actors import Actor
from tests.factories import EnterpriseFactory, GroupFactory, RegionFactory, member_in
from tests.web.conftest import build_world

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "pw-123456"  # build_world's accounts
OTHER_CITIES = ("南京市", "徐州市", "苏州市", "南通市", "连云港市", "淮安市")
OTHER_CITIES += ("盐城市", "扬州市", "镇江市", "泰州市", "宿迁市")
MAP_DATA_JS = """() => {
  const chart = echarts.getInstanceByDom(document.getElementById('province-map'));
  return chart.getOption().series[0].data.filter(d => typeof d.value === 'number').map(d => d.name + '=' + d.value);
}"""
MAP_SHAPES_JS = "() => echarts.getMap('jiangsu').geoJSON.features.map(f => f.properties.name)"


def province_with_two_batches():
    """build_world's 常州市 (two visits in its batch) and 无锡市 with a batch and three visits; the other 11
    cities of the province have no batch."""
    w = build_world()
    province = w.batch.city.parent
    wuxi = RegionFactory(name="无锡市", level=RegionLevel.CITY, parent=province, code="320200")
    for n, name in enumerate(OTHER_CITIES):
        RegionFactory(name=name, level=RegionLevel.CITY, parent=province, code=f"32{n + 5:02d}00")
    huishan = RegionFactory(name="惠山区", level=RegionLevel.DISTRICT, parent=wuxi, code="320206")
    town = RegionFactory(name="洛社镇", level=RegionLevel.TOWN, parent=huishan)
    batch = Batch.objects.create(
        city=wuxi, number=14, start_date=w.batch.start_date, end_date=w.batch.end_date, is_active=True
    )
    group = GroupFactory(batch=batch, name="惠山团", district=huishan)
    member = member_in(group, member__name="惠山甲")
    for name in ("无锡惠山精工有限公司", "无锡洛社电气有限公司", "无锡阳山材料有限公司"):
        enterprise = EnterpriseFactory(name=name, region=town)
        visit_log(batch=batch, group=group, date=w.batch.start_date, members=[member], enterprise=enterprise)
    return w


def open_map(browser, base: str, username: str, *, phone: bool, english: bool = False) -> tuple[Actor, list[str]]:
    actor = Actor(browser, base, username, PASSWORD, phone=phone)
    if english:
        actor.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": base}])
    errors: list[str] = []
    actor.page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    actor.page.on("pageerror", lambda exc: errors.append(str(exc)))
    actor.goto(actor.url("scorecard:province") + "?figure=visits")
    actor.page.wait_for_selector("#province-map[data-rendered] canvas")
    actor.settle()  # on the phone: fails when anything is wider than 375 px
    return actor, errors


@pytest.mark.parametrize(
    ("phone", "english"), [(False, False), (True, False), (True, True)], ids=["1280px", "375px", "375px-en"]
)
def test_the_map_shows_a_figure_on_each_city_with_a_batch(live_server, browser, phone, english):
    w = province_with_two_batches()
    actor, errors = open_map(browser, live_server.url, w.users.prov_admin.username, phone=phone, english=english)
    try:
        page = actor.page
        assert sorted(page.evaluate(MAP_DATA_JS)) == ["常州市=2", "无锡市=3"]
        shapes = page.evaluate(MAP_SHAPES_JS)
        assert len(shapes) == 13 and set(OTHER_CITIES) | {"常州市", "无锡市"} == set(shapes)
        assert not page.locator("#province-map-table").is_visible()  # the map stands, the table is its fallback
        box = page.locator("#province-map").bounding_box()
        assert box["width"] <= (375 if phone else 1280) and box["height"] >= 300
        page.select_option("#map-figure", "enterprises_visited")
        page.wait_for_function(
            "() => echarts.getInstanceByDom(document.getElementById('province-map'))"
            ".getOption().series[0].data.some(d => d.name === '无锡市' && d.value === 3)"
        )
        assert ("Map of" if english else "各市地图") in actor.text()
        assert errors == []
    finally:
        actor.close()


def test_clicking_a_city_opens_its_scorecard(live_server, browser):
    w = province_with_two_batches()
    actor, errors = open_map(browser, live_server.url, w.users.prov_admin.username, phone=False)
    try:
        page = actor.page
        # 无锡市's label point, where ECharts draws it, in the page's pixels.
        point = page.evaluate(
            """() => {
              const chart = echarts.getInstanceByDom(document.getElementById('province-map'));
              const city = echarts.getMap('jiangsu').geoJSON.features.find(f => f.properties.name === '无锡市');
              return chart.convertToPixel({seriesIndex: 0}, city.properties.cp);
            }"""
        )
        box = page.locator("#province-map").bounding_box()
        wuxi = Batch.objects.get(city__name="无锡市")
        with page.expect_navigation():
            page.mouse.click(box["x"] + point[0], box["y"] + point[1])
        assert page.url.endswith(f"/scorecard/?batch={wuxi.pk}")
        assert errors == []
    finally:
        actor.close()

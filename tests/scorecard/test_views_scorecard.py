"""The scorecard page's comparison of two periods, its .xlsx export and the drill-downs' exports."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from techmayor.enterprises.models import Enterprise
from techmayor.ledger.models import Visit
from techmayor.roster.services import group_create
from techmayor.scorecard.metrics import FUNNEL_METRICS, METRICS
from techmayor.scorecard.selectors import change
from tests.web.conftest import build_world, make_record

pytestmark = pytest.mark.django_db
EVIL = '=HYPERLINK("http://x","y")'
CODES_VISITS = "visits"


@pytest.fixture
def world(db):
    w = build_world()  # every kind of record on 2021-09-01, for 溧阳团 and 金坛团
    for day in (dt.date(2021, 10, 5), dt.date(2021, 10, 6), dt.date(2021, 10, 7)):
        make_record("visit", group=w.liyang, member=w.ly_a, enterprise=w.e_ly, town=w.town_ly, date=day)
    return w


@pytest.mark.parametrize(
    ("current", "previous", "delta", "delta_text", "percent", "percent_text"),
    [
        (12, 10, 2, "+2", 20.0, "+20.0%"),
        (3, 4, -1, "-1", -25.0, "-25.0%"),
        (7, 7, 0, "+0", 0.0, "+0.0%"),
        (5, 0, 5, "+5", None, ""),  # no % from nothing
        (Decimal("100.5000"), Decimal("201.0000"), Decimal("-100.5"), "-100.5", -50.0, "-50.0%"),
    ],
)
def test_change_is_absolute_and_in_percent_where_meaningful(
    current, previous, delta, delta_text, percent, percent_text
):
    got = change(current, previous)
    assert (got["delta"], got["delta_text"], got["percent"], got["percent_text"]) == (
        delta,
        delta_text,
        percent,
        percent_text,
    )


def visits_row(response):
    return next(r for r in response.context["rows"] if r["metric"].code == CODES_VISITS)


OCTOBER_VS_SEPTEMBER = {
    "start": "2021-10-01",
    "end": "2021-10-31",
    "compare_start": "2021-09-01",
    "compare_end": "2021-09-30",
}


def test_the_page_compares_two_date_ranges(client, world):
    client.force_login(world.users.admin)
    response = client.get(reverse("scorecard:overview"), OCTOBER_VS_SEPTEMBER)
    total, liyang, jintan = visits_row(response)["cells"]
    assert (total["number"], total["compare"]["number"], total["delta"], total["percent"]) == (3, 2, 1, 50.0)
    assert (liyang["number"], liyang["compare"]["number"], liyang["delta_text"], liyang["percent_text"]) == (
        3,
        1,
        "+2",
        "+200.0%",
    )
    assert (jintan["number"], jintan["delta_text"], jintan["percent"]) == (0, "-1", -100.0)
    html = response.content.decode()
    assert "对比期 2021-09-01 — 2021-09-30" in html and "+200.0%" in html
    plain = client.get(reverse("scorecard:overview"))
    assert "compare" not in visits_row(plain)["cells"][0]


@time_machine.travel(dt.datetime(2021, 10, 20, 12), tick=False)
def test_this_month_against_the_last(client, world):
    client.force_login(world.users.admin)
    response = client.get(reverse("scorecard:overview"), {"compare": "month"})
    assert (response.context["start"], response.context["end"]) == (dt.date(2021, 10, 1), dt.date(2021, 10, 31))
    assert response.context["compare"] == (dt.date(2021, 9, 1), dt.date(2021, 9, 30))
    assert visits_row(response)["cells"][0]["delta"] == 1


def sheet(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content)).active


def test_the_export_holds_the_page_with_its_comparison(client, world):
    client.force_login(world.users.admin)
    ws = sheet(client.get(reverse("scorecard:overview_export"), OCTOBER_VS_SEPTEMBER))
    assert "创新成绩单" in ws["A1"].value and "对比期 2021-09-01 至 2021-09-30" in ws["A1"].value
    header = [c.value for c in ws[2]]
    assert header[:6] == ["指标", "单位", "合计·本期", "合计·对比期", "合计·变化", "合计·变化率(%)"]
    rows = {(r[0], r[1]): r for r in ws.iter_rows(min_row=3, values_only=True)}
    assert rows[("走访企业", "家次")][2:14] == (3, 2, 1, 50, 3, 1, 2, 200, 0, 1, -1, -100)
    assert rows[("合作协议", "个")][2:6] == (0, 2, -2, -100)
    ws = sheet(client.get(reverse("scorecard:overview_export")))
    assert [c.value for c in ws[2]][:5] == ["指标", "单位", "合计", "溧阳团", "金坛团"]
    rows = {(r[0], r[1]): r for r in ws.iter_rows(min_row=3, values_only=True)}
    assert rows[("走访企业", "家次")][2:5] == (5, 4, 1)
    assert rows[("合同金额", "万元")][2:5] == (1000, 500, 500)


def test_the_export_follows_the_readers_groups(client, world):
    client.force_login(world.users.ds_jt)
    ws = sheet(client.get(reverse("scorecard:overview_export")))
    assert [c.value for c in ws[2]][:3] == ["指标", "单位", "金坛团"]
    client.force_login(world.users.nobody)
    assert client.get(reverse("scorecard:overview_export")).status_code == 403


def drill_export(client, user, code, **params):
    client.force_login(user)
    return client.get(reverse("scorecard:drill_export", args=[code]), params)


def test_drill_down_export_lists_what_the_reader_may_read_and_says_so(client, world):
    make_record("visit", group=world.liyang, member=world.ly_b, enterprise=world.e_ly, town=world.town_ly)
    Enterprise.objects.update(name=EVIL)
    params = {"batch": world.batch.pk, "group": world.liyang.pk}
    ws = sheet(drill_export(client, world.users.admin, "visits", **params))
    assert [c.value for c in ws[2]][:3] == ["日期", "企业", "统一社会信用代码"]
    assert ws.max_row - 2 == Visit.objects.filter(group=world.liyang).count() == 5
    assert "共" not in ws["A1"].value
    names = [c for c in (r[1] for r in ws.iter_rows(min_row=3)) if c.value == EVIL]
    assert len(names) == 5 and {c.data_type for c in names} == {"s"}
    mine = sheet(drill_export(client, world.users.m_ly, "visits", **params))
    assert mine.max_row - 2 == 4  # 溧阳甲's four, not 溧阳乙's
    assert "共5条，可查看其中4条" in mine["A1"].value
    assert drill_export(client, world.users.ds_jt, "visits", **params).status_code == 404
    assert drill_export(client, world.users.admin, "no_such_figure").status_code == 404


def test_drill_down_export_of_figures_without_a_record_kind(client, world):
    from techmayor.cooperation.services import agreement_receipt_add

    agreement_receipt_add(agreement=world.ly["agreement"], date=dt.date(2021, 9, 20), amount_wan="120.5")
    ws = sheet(drill_export(client, world.users.admin, "received_amount_wan", batch=world.batch.pk))
    assert [c.value for c in ws[2]] == ["到账日期", "协议", "到账金额(万元)", "支团"]
    (receipt,) = ws.iter_rows(min_row=3, values_only=True)
    assert receipt[2:] == (120.5, "溧阳团")
    ws = sheet(drill_export(client, world.users.admin, "universities_engaged", batch=world.batch.pk))
    assert ws.max_row > 2


def test_drill_page_links_to_its_export(client, world):
    client.force_login(world.users.admin)
    html = client.get(reverse("scorecard:drill", args=["visits"]), {"group": world.liyang.pk}).content.decode()
    assert reverse("scorecard:drill_export", args=["visits"]) + f"?group={world.liyang.pk}" in html


def test_drill_down_shows_no_figure_wider_than_the_reader_may_see(client, world):
    """Without ?group=, a reader who sees one group gets that group's figure, never the whole batch's."""
    url = reverse("scorecard:drill", args=["visits"])
    client.force_login(world.users.admin)
    assert client.get(url).context["figure"]["number"] == 5  # 4 of 溧阳团, 1 of 金坛团
    for user in (world.users.ts_ly, world.users.m_ly, world.users.gl_ly):
        client.force_login(user)
        response = client.get(url, {"batch": world.batch.pk})
        assert response.status_code == 200
        assert response.context["scope"].group == world.liyang
        assert response.context["figure"]["number"] == 4 and response.context["total"] == 4
        export = sheet(client.get(reverse("scorecard:drill_export", args=["visits"]), {"batch": world.batch.pk}))
        assert "溧阳团" in export["A1"].value and "共5条" not in export["A1"].value


def test_drill_down_refuses_a_batch_outside_the_readers_scope(client, world):
    from techmayor.core.models import Region, RegionLevel
    from tests.factories import BatchFactory

    other_city = Region.objects.create(name="无锡市", level=RegionLevel.CITY, code="320200")
    other = BatchFactory(city=other_city, number=9)
    group_create(
        batch=other,
        name="江阴团",
        district=Region.objects.create(name="江阴市", level=RegionLevel.DISTRICT, parent=other_city),
    )
    for user in (world.users.ts_ly, world.users.m_ly, world.users.admin):
        client.force_login(user)
        assert client.get(reverse("scorecard:drill", args=["visits"]), {"batch": other.pk}).status_code == 404
        response = client.get(reverse("scorecard:drill_export", args=["visits"]), {"batch": other.pk})
        assert response.status_code == 404


def test_every_figure_has_its_name_unit_and_rule_in_english():
    chinese = re.compile(r"[\u4e00-\u9fff（）：]")
    with translation.override("en"):
        for m in METRICS.values():
            if m in FUNNEL_METRICS:  # read by code by the dashboards' funnels, never shown by name
                continue
            for text in (m.label, m.unit_label, m.rule_label, m.heading):
                assert not chinese.search(text), (m.code, text)
        assert METRICS["visits"].heading == "Enterprises visited (enterprise visits)"
    with translation.override("zh-hans"):
        assert METRICS["visits"].heading == "走访企业（家次）"
    assert (METRICS["visits"].name, METRICS["visits"].unit) == ("走访企业", "家次")  # the reports' Chinese


def test_pages_name_the_figures_in_the_readers_language(client, world):
    client.force_login(world.users.admin)
    pages = {
        reverse(
            "scorecard:overview"
        ): 'Enterprises visited<span class="small text-body-secondary"> (enterprise visits)',
        reverse("scorecard:drill", args=["visits"]): "Counting rule: Visit records: one visit",
        reverse("dashboards:dashboard"): '<caption class="caption-top">Enterprises visited (enterprise visits)',
        reverse("web:home"): "Enterprises visited",
    }
    for path, english in pages.items():
        html = client.get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert english in html, path
        assert "走访企业" not in html and "家次" not in html, path
    html = client.get(reverse("scorecard:overview"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '走访企业<span class="small text-body-secondary">（家次）' in html

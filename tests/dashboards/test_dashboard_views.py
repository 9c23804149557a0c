"""/dashboard/: what each role sees (the city, a district's group, a captain's group, a member's reduced view),
404 and 403 rules, the ranking switch, a query count that does not grow with the records, and the monthly
ledger download for the reader's scope."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from techmayor.core.models import AuditLog
from techmayor.dashboards.models import CityDashboard
from techmayor.ledger import services as ledger
from tests.factories import EnterpriseFactory
from tests.scorecard.test_ledger import groups_in
from tests.web.conftest import build_world

pytestmark = pytest.mark.django_db
URL = reverse("dashboards:dashboard")


@pytest.fixture
def world(db):
    return build_world()


def data_for(client, user, **params):
    client.force_login(user)
    response = client.get(URL, params)
    assert response.status_code == 200, response.content[:300]
    return response.context["data"]


def test_city_administrators_and_leaders_see_every_group_side_by_side_and_the_map(client, world):
    for user in (world.users.admin, world.users.leader):
        data = data_for(client, user)
        assert data["trend"]["groups"] == ["溧阳团", "金坛团"]
        assert [row["group"] for row in data["compare"]["rows"]] == ["溧阳团", "金坛团"]
        assert {r["district"] for r in data["map"]["regions"]} == {"溧阳市", "金坛区"}
        assert data["map"]["geojson"].startswith("/dashboard/geo/jiang1_su1_chang2_zhou1.json?v=")
        visits = data["compare"]["rows"][0]["cells"][0]
        assert visits["code"] == "visits" and visits["value"] == 1
        assert f"group={world.liyang.pk}" in visits["url"]


def test_district_staff_see_only_the_group_serving_their_district(client, world):
    data = data_for(client, world.users.ds_jt)
    assert data["trend"]["groups"] == ["金坛团"]
    assert [row["group"] for row in data["compare"]["rows"]] == ["金坛团"]
    assert [r["district"] for r in data["map"]["regions"]] == ["金坛区"]
    collected = data["funnels"]["need"]["steps"][0]
    assert f"group={world.jintan.pk}" in collected["url"]
    client.force_login(world.users.ds_jt)
    assert client.get(URL, {"group": world.liyang.pk}).status_code == 404
    assert client.get(URL, {"group": "x"}).status_code == 404
    assert client.get(URL, {"batch": 99999}).status_code == 404


def test_a_captain_sees_their_group_and_a_member_a_reduced_view(client, world):
    captain = data_for(client, world.users.gl_ly)
    assert captain["trend"]["groups"] == ["溧阳团"] and "compare" in captain
    for user in (world.users.m_ly, world.users.ts_ly):  # members and town staff: trend and funnels only
        data = data_for(client, user)
        assert data["trend"]["groups"] == ["溧阳团"]
        assert "compare" not in data and "map" not in data
        assert data["funnels"]["cooperation"][0]["count"] == 1  # the group's intent


def test_no_group_to_see_is_403_and_anonymous_is_sent_to_login(client, world):
    client.force_login(world.users.nobody)
    assert client.get(URL).status_code == 403
    client.logout()
    assert client.get(URL).status_code == 302


def test_the_page_draws_from_json_and_has_a_table_behind_every_chart(client, world):
    client.force_login(world.users.admin)
    html = client.get(URL).content.decode()
    assert 'id="dashboard-data" type="application/json"' in html
    assert "vendor/echarts/echarts.min.js" in html and "dashboards/dashboard.js" in html
    for chart in ("trend", "need-funnel", "coop-funnel", "compare", "map"):
        assert f'id="chart-{chart}"' in html
        assert f'aria-controls="table-{chart}"' in html and f'id="table-{chart}"' in html
    assert "<script>" not in html.replace('<script id="dashboard-data"', "")  # no inline script


def test_trend_cells_link_to_the_drill_down_of_their_group_and_month(client, world):
    data = data_for(client, world.users.admin)
    visits = data["trend"]["metrics"][0]
    assert visits["code"] == "visits"
    assert [row["month"] for row in visits["rows"]][:2] == ["2021-08", "2021-09"]
    september = visits["rows"][1]["cells"][0]
    assert september["value"] == 1
    assert "start=2021-09-01" in september["url"] and "end=2021-09-30" in september["url"]
    drill = client.get(september["url"])
    assert drill.status_code == 200 and drill.context["total"] == 1


def test_ranking_is_off_by_default_and_only_a_city_administrator_switches_it(client, world):
    data = data_for(client, world.users.admin)
    assert data["compare"]["ranking"] is False
    assert all(cell["rank"] is None for row in data["compare"]["rows"] for cell in row["cells"])
    assert "开启本市支团排名" in client.get(URL).content.decode()
    for user in (world.users.leader, world.users.ds_jt, world.users.gl_ly):
        client.force_login(user)
        assert "开启本市支团排名" not in client.get(URL).content.decode()
        assert client.post(reverse("dashboards:ranking"), {"enabled": "1"}).status_code == 403
    assert not CityDashboard.objects.exists()

    client.force_login(world.users.admin)
    assert client.get(reverse("dashboards:ranking")).status_code == 405
    assert client.post(reverse("dashboards:ranking"), {"enabled": "1"}).status_code == 302
    setting = CityDashboard.objects.get()
    assert setting.show_ranking and setting.city == world.batch.city
    log = AuditLog.objects.filter(model="dashboards.citydashboard").latest("at")
    assert log.actor == world.users.admin and log.source == "web"
    # Every dashboard of the city now ranks: the district's too.
    ranked = data_for(client, world.users.ds_jt)
    assert ranked["compare"]["ranking"] is True
    assert ranked["compare"]["rows"][0]["cells"][0]["rank"] == 1

    client.force_login(world.users.admin)
    client.post(reverse("dashboards:ranking"), {"enabled": "0"})
    assert CityDashboard.objects.get().show_ranking is False
    assert AuditLog.objects.filter(model="dashboards.citydashboard").count() == 2


def test_equal_figures_share_a_rank(client, world):
    CityDashboard.objects.create(city=world.batch.city, show_ranking=True)
    enterprise = EnterpriseFactory()
    ledger.visit_log(
        batch=world.batch, group=world.liyang, enterprise=enterprise, date=dt.date(2021, 10, 1), members=[world.ly_a]
    )
    data = data_for(client, world.users.admin)
    visits = [row["cells"][0] for row in data["compare"]["rows"]]
    assert [(c["value"], c["rank"]) for c in visits] == [(2, 1), (1, 2)]
    reports = [row["cells"][5] for row in data["compare"]["rows"]]  # expert visits: equal
    assert reports[0]["value"] == reports[1]["value"] and reports[0]["rank"] == reports[1]["rank"] == 1


def test_the_query_count_does_not_grow_with_records_or_months(client, world):
    client.force_login(world.users.admin)
    client.get(URL)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as before:
        client.get(URL)
    for month in range(8, 13):
        for _ in range(3):
            ledger.visit_log(
                batch=world.batch,
                group=world.jintan,
                enterprise=EnterpriseFactory(),
                date=dt.date(2021, month, 5),
                members=[world.jt_a],
            )
    with CaptureQueriesContext(connection) as after:
        client.get(URL)
    assert len(after) == len(before)
    assert len(before) < 60  # two small queries per figure: are its cells built, and the cells


# --- the monthly ledger download on the dashboard ----------------------------------------------------

LEDGER_URL = reverse("scorecard:ledger_workbook")


def ledger_form(client, user, **params) -> tuple[dict, list[tuple[str, bool]]]:
    """The ledger form's submitted fields (inputs) and its group choices (value, selected), as rendered."""
    client.force_login(user)
    html = client.get(URL, params).content.decode()
    forms = re.findall(r'<form method="get" action="([^"]+)"[^>]*>(.*?)</form>', html, re.S)
    (body,) = [body for action, body in forms if action == LEDGER_URL]
    fields = dict(re.findall(r'<input[^>]* name="(\w+)" value="([^"]*)"', body))
    choices = [(value, bool(selected)) for value, selected in re.findall(r'<option value="(\d*)"( selected)?>', body)]
    return fields, choices


def test_the_ledger_download_covers_the_administrators_city_in_the_business_days_month(client, world, settings):
    settings.TECHMAYOR_TODAY = dt.date(2021, 9, 20)
    fields, choices = ledger_form(client, world.users.admin)
    assert fields == {"batch": str(world.liyang.batch_id), "month": "2021-09"}
    assert choices == [("", False), (str(world.liyang.pk), False), (str(world.jintan.pk), False)]
    assert groups_in(client.get(LEDGER_URL, fields)) == ["合计", "溧阳团", "金坛团"]
    # The dashboard narrowed to a group preselects it.
    _, choices = ledger_form(client, world.users.admin, group=world.jintan.pk)
    assert (str(world.jintan.pk), True) in choices and (str(world.liyang.pk), False) in choices


def test_a_district_user_downloads_their_groups_ledger(client, world, settings):
    settings.TECHMAYOR_TODAY = dt.date(2021, 9, 20)
    fields, choices = ledger_form(client, world.users.ds_jt)
    assert fields == {"batch": str(world.jintan.batch_id), "month": "2021-09", "group": str(world.jintan.pk)}
    assert choices == []
    assert groups_in(client.get(LEDGER_URL, fields)) == ["金坛团"]
    member_fields, _ = ledger_form(client, world.users.m_ly)  # the reduced view has it too
    assert member_fields["group"] == str(world.liyang.pk)

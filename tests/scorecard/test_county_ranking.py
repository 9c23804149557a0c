"""Counties ranked on a figure (issue 11 item 5) only where the city or the province has switched ranking
on, off by default: without it no rank and no 第N anywhere (pages, command line, JSON); the switch is
kept per city / province, changed by its administrators, audited."""

from __future__ import annotations

import datetime as dt
import json
import re
from io import StringIO

import pytest
from django.core.management import call_command

from techmayor.accounts.choices import Role
from techmayor.core.errors import ApplicationError
from techmayor.core.models import AuditLog
from techmayor.ledger.services import project_broker
from techmayor.roster.services import batch_create, group_create
from techmayor.scorecard.services import county_ranking_on, county_ranking_set
from tests.factories import GroupFactory, city, district, member_in
from tests.web.conftest import account

pytestmark = pytest.mark.django_db
DAY = dt.date(2021, 9, 1)
RANK = re.compile(r"第\d+(?![\d批])")  # 第1, 第2 … but not 第14批


def majors(group, n, major=True):
    member = group.tenures.first().member
    for i in range(n):
        project_broker(
            batch=group.batch, group=group, title=f"项目{i}", date=DAY, members=[member], is_provincial_major=major
        )


@pytest.fixture
def world():
    liyang = GroupFactory()  # 溧阳市 (code 320481)
    district("溧阳市").__class__.objects.filter(name="溧阳市").update(code="320481")
    wujin = group_create(batch=liyang.batch, name="武进团", district=district("武进区"))
    district("武进区").__class__.objects.filter(name="武进区").update(code="320412")
    member_in(liyang)
    member_in(wujin)
    majors(liyang, 7)  # 溧阳: 7 projects on the province's major-project list
    majors(wujin, 2)
    majors(wujin, 3, major=False)
    return {
        "liyang": liyang,
        "wujin": wujin,
        "admin": account("r_admin", (Role.CITY_ADMIN, {"region": city()})),
        "leader": account("r_leader", (Role.LEADER, {"region": city()})),
        "province_admin": account("r_padmin", (Role.PROVINCE_ADMIN, {"region": city().parent})),
        "province_leader": account("r_pleader", (Role.PROVINCE_LEADER, {"region": city().parent})),
    }


def province_json() -> dict:
    out = StringIO()
    call_command("scorecard", "--province", "江苏省", "--year", "2021", "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def test_the_command_ranks_only_when_the_province_switched_on(world):
    result = province_json()["counties"]
    assert result == {"ranked": False, "metrics": {}, "counties": []}  # off: no county is listed, none ranked
    out = StringIO()
    call_command("scorecard", "--province", "江苏省", "--year", "2021", stdout=out)
    assert not RANK.search(out.getvalue()) and "名次" not in out.getvalue()

    county_ranking_set(region=city(), enabled=True)  # the city's switch does not rank the province's page
    assert province_json()["counties"]["ranked"] is False
    county_ranking_set(region=city().parent, enabled=True)
    result = province_json()["counties"]
    assert result["ranked"] is True and result["rank_by"] == "major_projects"
    assert [(c["county"], c["rank"]) for c in result["counties"]] == [("溧阳市", 1), ("武进区", 2)]
    out = StringIO()
    call_command("scorecard", "--province", "江苏省", "--year", "2021", "--rank-by", "projects_brokered", stdout=out)
    assert "按牵线科技项目（项）排名" in out.getvalue() and RANK.search(out.getvalue())


def test_the_city_comparison_follows_the_citys_switch(world):
    batch_create(city=city(), number=13, start_date=dt.date(2020, 8, 1), end_date=dt.date(2021, 7, 31))
    args = ["scorecard", "--city", "常州市", "--compare", "13,14", "--format", "json"]
    out = StringIO()
    call_command(*args, stdout=out)
    assert '"rank"' not in out.getvalue()
    county_ranking_set(region=city(), enabled=True)
    out = StringIO()
    call_command(*args, stdout=out)
    counties = json.loads(out.getvalue())["counties"]["counties"]
    assert [(c["county"], c["rank"]) for c in counties] == [("溧阳市", 1), ("武进区", 2)]


def test_pages_show_ranks_only_when_on_and_administrators_switch(client, world):
    page = "/scorecard/province/?year=2021"
    client.force_login(world["province_leader"])
    html = client.get(page).content.decode()
    assert "各县（市、区）" in html and "不排名" in html and "溧阳市" not in html  # off: not listed
    assert "名次" not in html and not RANK.search(html) and "开启县（市、区）排名" not in html  # no switch for leaders
    response = client.post(f"/scorecard/county-ranking/{city().parent.pk}/", {"enabled": "1"})
    assert response.status_code == 403 and not county_ranking_on(city().parent)

    client.force_login(world["province_admin"])
    assert "开启县（市、区）排名" in client.get(page).content.decode()
    response = client.post(f"/scorecard/county-ranking/{city().parent.pk}/", {"enabled": "1"})
    assert response.status_code == 302 and county_ranking_on(city().parent)
    log = AuditLog.objects.filter(model="scorecard.countyranking").latest("id")
    assert log.actor == world["province_admin"]
    html = client.get(page + "&rank_by=major_projects").content.decode()
    assert "名次" in html and "第1<" in html and "关闭县（市、区）排名" in html
    assert html.index("溧阳市</th>") < html.index("武进区</th>")

    # The city's page follows the city's switch, which its administrators (and the province's) change.
    batch_create(city=city(), number=13, start_date=dt.date(2020, 8, 1), end_date=dt.date(2021, 7, 31))
    client.force_login(world["leader"])
    assert client.post(f"/scorecard/county-ranking/{city().pk}/", {"enabled": "1"}).status_code == 403
    client.force_login(world["admin"])
    html = client.get(f"/scorecard/compare/?city={city().pk}").content.decode()
    assert "名次" not in html and "开启县（市、区）排名" in html
    assert client.post(f"/scorecard/county-ranking/{city().pk}/", {"enabled": "1"}).status_code == 302
    assert "名次" in client.get(f"/scorecard/compare/?city={city().pk}").content.decode()


def test_the_switch_is_for_cities_and_provinces_only(world):
    with pytest.raises(ApplicationError, match="地级市或省份"):
        county_ranking_set(region=world["liyang"].district, enabled=True)

"""Comparisons: a city's batches at the same month of their tenure, and a province's cities for a year,
through ``techmayor scorecard --compare`` / ``--province`` (JSON and table)."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from techmayor.core.models import RegionLevel
from techmayor.ledger.services import visit_log
from techmayor.roster.services import batch_create
from techmayor.scorecard.comparisons import add_months, months_into
from tests.factories import EnterpriseFactory, GroupFactory, RegionFactory, city, district, member_in

pytestmark = pytest.mark.django_db


def visit(group, day):
    member = group.tenures.first().member
    return visit_log(batch=group.batch, group=group, enterprise=EnterpriseFactory(), date=day, members=[member])


@pytest.fixture
def changzhou():
    g14 = GroupFactory()  # 第十四批: 2021-08-01 – 2022-05-31
    b13 = batch_create(city=city(), number=13, start_date=dt.date(2020, 8, 1), end_date=dt.date(2021, 7, 31))
    g13 = GroupFactory(batch=b13, name="溧阳团", district=district())
    member_in(g13)
    member_in(g14)
    visit(g13, dt.date(2020, 9, 10))  # month 2 of the 13th
    visit(g13, dt.date(2021, 6, 1))  # month 11 of the 13th: outside its first 9 months
    visit(g14, dt.date(2021, 9, 1))  # month 2 of the 14th
    visit(g14, dt.date(2021, 10, 1))
    return g13, g14


def run(*args) -> dict:
    out = StringIO()
    call_command("scorecard", *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def test_month_arithmetic():
    assert add_months(dt.date(2021, 8, 1), 9) == dt.date(2022, 5, 1)
    assert add_months(dt.date(2021, 1, 31), 1) == dt.date(2021, 2, 28)
    assert months_into(type("B", (), {"start_date": dt.date(2021, 8, 1), "end_date": dt.date(2022, 5, 31)}),
                       dt.date(2022, 5, 12)) == 10  # fmt: skip


def test_batches_side_by_side_at_the_same_month_of_their_tenure(changzhou):
    result = run("--city", "常州市", "--compare", "13,14", "--months", "9")
    assert result["city"] == "常州市" and result["months"] == 9
    b13, b14 = result["batches"]
    assert (b13["batch"], b13["period"]) == (13, {"start": "2020-08-01", "end": "2021-04-30"})
    assert (b14["batch"], b14["period"]) == (14, {"start": "2021-08-01", "end": "2022-04-30"})
    assert b13["totals"]["visits"] == 1 and b14["totals"]["visits"] == 2
    assert result["metrics"]["visits"]["unit"] == "家次"


def test_by_default_as_many_months_as_the_latest_batch_has_served(changzhou):
    result = run("--city", "常州", "--compare", "14，13")
    assert result["months"] == 10  # the 14th has ended: August to May
    assert [b["batch"] for b in result["batches"]] == [13, 14]
    assert result["batches"][0]["period"]["end"] == "2021-05-31"
    assert result["batches"][0]["totals"]["visits"] == 1  # the June visit is in its 11th month


def test_the_table_format(changzhou):
    out = StringIO()
    call_command("scorecard", "--compare", "13,14", "--months", "9", stdout=out)
    text = out.getvalue()
    assert "常州市 各批次任期前 9 个月创新成绩单" in text and "第13批（至2021-04-30）" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--compare", "14"), "至少指定两个批次"),
        (("--compare", "12,14"), "常州市没有第12批"),
        (("--compare", "13,14", "--months", "0"), "月数须为正整数"),
        (("--province", "江苏省"), "须与 --year 同用"),
        (("--province", "浙江省", "--year", "2021"), "未找到省份「浙江省」"),
        ((), "请指定 --batch"),
    ],
)
def test_bad_arguments_are_clear_errors(changzhou, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("scorecard", *args, stdout=StringIO())


def test_the_cities_of_a_province_for_a_batch_year(changzhou):
    province = city().parent
    wuxi = RegionFactory(name="无锡市", level=RegionLevel.CITY, parent=province, code="320200")
    RegionFactory(name="徐州市", level=RegionLevel.CITY, parent=province, code="320300")  # no batch in 2021
    huishan = RegionFactory(name="惠山区", level=RegionLevel.DISTRICT, parent=wuxi)
    b = batch_create(city=wuxi, number=14, start_date=dt.date(2021, 8, 1), end_date=dt.date(2022, 7, 31))
    group = GroupFactory(batch=b, name="惠山团", district=huishan)
    member_in(group)
    visit(group, dt.date(2021, 12, 1))
    result = run("--province", "江苏省", "--year", "2021")
    assert result["province"] == "江苏省" and result["year"] == 2021
    rows = {r["city"]: r for r in result["cities"]}
    assert list(rows) == ["无锡市", "徐州市", "常州市"]  # by code
    assert rows["常州市"]["batch"] == 14 and rows["常州市"]["totals"]["visits"] == 2  # not the 13th (2020)
    assert rows["无锡市"]["batch"] == 14 and rows["无锡市"]["totals"]["visits"] == 1
    assert rows["无锡市"]["members"] == 1
    assert rows["徐州市"]["batch"] is None and rows["徐州市"]["totals"] is None
    assert result["totals"]["visits"] == 3
    assert run("--province", "江苏省", "--year", "2020")["totals"]["visits"] == 2

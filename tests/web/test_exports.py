"""The .xlsx export: what the list's filters select, with Chinese headers, real dates and numbers."""

import datetime as dt
import io
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

from techmayor.cooperation.services import agreement_receipt_add
from tests.web.conftest import make_record, url

pytestmark = pytest.mark.django_db


def sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(io.BytesIO(response.content)).active


def rows(ws):
    header = [c.value for c in ws[1]]
    return [dict(zip(header, row, strict=True)) for row in ws.iter_rows(min_row=2, values_only=True)]


def test_visit_export_has_chinese_headers_dates_and_counts(login, world):
    response = login(world.users.admin).get(url("visit", "export") + f"?group={world.liyang.pk}")
    assert "attachment" in response["Content-Disposition"]
    assert "走访企业" in unquote(response["Content-Disposition"])
    ws = sheet(response)
    assert [c.value for c in ws[1]] == [
        "日期",
        "企业",
        "统一社会信用代码",
        "所在地",
        "支团",
        "团员",
        "发现需求(条)",
        "走访情况",
        "批次",
    ]
    (row,) = rows(ws)
    assert row["日期"] == dt.datetime(2021, 9, 1)
    assert ws["A2"].number_format == "yyyy-mm-dd"
    assert row["企业"] == world.e_ly.name
    assert row["统一社会信用代码"] == world.e_ly.credit_code
    assert row["所在地"] == "天目湖镇"
    assert row["团员"] == "溧阳甲"
    assert row["发现需求(条)"] == 0
    assert row["批次"] == "常州市第十四批"


def test_agreement_export_has_amounts_as_numbers(login, world):
    agreement = world.ly["agreement"]
    agreement_receipt_add(agreement=agreement, date=dt.date(2021, 12, 1), amount_wan="120.5")
    agreement_receipt_add(agreement=agreement, date=dt.date(2022, 1, 1), amount_wan="30")
    ws = sheet(login(world.users.m_ly).get(url("agreement", "export")))
    (row,) = rows(ws)
    assert row["合同金额(万元)"] == 500
    assert row["实际到账(万元)"] == 150.5
    assert isinstance(row["实际到账(万元)"], float)
    assert row["协议类型"] == "校企合作"


def test_export_follows_the_filters_of_the_list(login, world):
    extra = make_record(
        "event", group=world.liyang, member=world.ly_b, enterprise=world.e_ly, town=world.town_ly, title="人才对接会"
    )
    extra.kind = "docking"
    extra.save()
    client = login(world.users.admin)
    everything = rows(sheet(client.get(url("event", "export"))))
    assert len(everything) == 3
    docking = rows(sheet(client.get(url("event", "export") + "?kind=docking")))
    assert [r["活动名称"] for r in docking] == ["人才对接会"]
    mine = rows(sheet(client.get(url("event", "export") + f"?member={world.ly_b.pk}")))
    assert [r["活动名称"] for r in mine] == ["人才对接会"]
    searched = rows(sheet(client.get(url("event", "export") + "?q=人才对接")))
    assert [r["活动名称"] for r in searched] == ["人才对接会"]
    dated = rows(sheet(client.get(url("event", "export") + "?date_from=2021-09-02")))
    assert dated == []


def test_enterprise_export(login, world):
    ws = sheet(login(world.users.ts_ly).get("/enterprises/export/?q=czhy"))
    (row,) = rows(ws)
    assert row["企业名称"] == world.e_ly.name
    assert row["所在地"] == "溧阳市 · 天目湖镇"

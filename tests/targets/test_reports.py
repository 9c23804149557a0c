"""Targets in the reports: the monthly ledger's 目标完成情况 sheet, and the briefing's sentence
("完成年度目标的N%", cut down; "提前完成年度目标" only when reached before the end)."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from techmayor.scorecard.briefing import briefing
from techmayor.scorecard.ledger import ledger_for, ledger_workbook
from tests.scorecard.test_ledger import records

pytestmark = pytest.mark.django_db


def sheet(world, month, groups=None):
    content = ledger_workbook(ledger_for(batch=world.batch, month=month, groups=groups))
    return load_workbook(io.BytesIO(content))["目标完成情况"]


def test_the_ledger_has_a_sheet_of_every_target_done_to_the_months_end(world, targets):
    ws = sheet(world, dt.date(2022, 1, 1))
    assert "目标完成情况" in ws["A1"].value and "2022年1月" in ws["A1"].value
    rows = {(r["范围"], r["指标"]): r for r in records(ws)}
    assert set(rows) == {
        ("全批次", "走访企业"),
        ("溧阳团", "走访企业"),
        ("金坛团", "走访企业"),
        ("溧阳团·溧阳甲", "走访企业"),
    }
    ly = rows[("溧阳团", "走访企业")]
    assert (ly["单位"], ly["目标值"], ly["累计完成(至1月31日)"], ly["完成比例(%)"]) == ("家次", 20, 19, 95)
    assert ly["时序进度(%)"] == 60 and ly["进度状态"] == "进度正常" and ly["预计能否完成"] == "预计可完成"
    assert ly["预计下限"] <= ly["预计期末"] <= ly["预计上限"]
    assert rows[("金坛团", "走访企业")]["进度状态"] == "进度滞后"
    assert rows[("溧阳团·溧阳甲", "走访企业")]["进度状态"] == "提前完成"
    october = {(r["范围"]): r for r in records(sheet(world, dt.date(2021, 10, 1)))}
    assert october["溧阳团"]["累计完成(至10月31日)"] == 10  # the world's visit + 3 in each of Aug, Sep, Oct
    one_group = records(sheet(world, dt.date(2022, 1, 1), groups=[world.jintan]))
    assert [r["范围"] for r in one_group] == ["金坛团"]  # no whole-batch target in one group's ledger


def test_the_briefing_says_how_much_of_each_target_is_done(world, targets):
    text = briefing(batch=world.batch, until=dt.date(2022, 1, 31), group=world.liyang).document().blocks[1].text
    assert text.endswith("对照年度目标，走访企业完成年度目标的95%。")  # 19 of 20
    whole = briefing(batch=world.batch, until=dt.date(2022, 1, 31))
    assert "对照年度目标，走访企业完成年度目标的55%。" in whole.sections[0].text  # 22 of 40
    headings = [s.text for s in whole.sections]
    jintan = headings[headings.index("金坛团：") + 1]
    assert jintan.endswith("对照年度目标，走访企业完成年度目标的10%。")  # 3 of 30


def test_the_briefing_says_early_only_before_the_end(world, targets):
    from techmayor.targets.services import target_set

    target_set(batch=world.batch, metric="visits", value=15, group=world.liyang, reason="下调", by=world.users.admin)
    early = briefing(batch=world.batch, until=dt.date(2022, 1, 31), group=world.liyang).sections[1].text
    assert "走访企业提前完成年度目标" in early
    final = briefing(batch=world.batch, until=dt.date(2022, 5, 31), group=world.liyang).sections[1].text
    assert "走访企业完成年度目标。" in final and "提前" not in final


def test_a_group_without_targets_gets_no_sentence(world):
    text = briefing(batch=world.batch, until=dt.date(2022, 1, 31), group=world.liyang).sections[1].text
    assert "年度目标" not in text

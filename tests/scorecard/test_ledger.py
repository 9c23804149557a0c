"""The monthly ledger workbook (月度台账): sheets, titles, print settings, figures equal to the scorecard's,
records of the month, needs as they stood at the month's end, the download's scope per role, CLI errors."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from techmayor.enterprises.models import Enterprise
from techmayor.needs.choices import NeedAction
from techmayor.needs.services import need_claim, need_create, need_transition
from techmayor.scorecard.ledger import ledger_for, ledger_workbook
from techmayor.scorecard.metrics import SCORECARD_METRICS
from tests.web.conftest import build_world

pytestmark = pytest.mark.django_db
EVIL = '=HYPERLINK("http://x","y")'
SHEETS = ["月度概览", "走访记录", "活动与来访", "需求进展", "合作与到账", "平台项目人才", "目标完成情况"]


@pytest.fixture
def world(db):
    return build_world()  # every kind of record on 2021-09-01, for 溧阳团 and 金坛团


def book_of(content: bytes):
    return load_workbook(io.BytesIO(content))


def records(ws) -> list[dict]:
    """The rows under the header (row 2), without the 合计 row."""
    header = [c.value for c in ws[2]]
    rows = [dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=3, values_only=True)]
    return [r for r in rows if r[header[0]] != "合计"]


def overview(ws) -> dict[tuple[str, str], list]:
    """(中文名, unit) → the figures (本月, 累计 for the total and each group)."""
    return {(row[0], row[1]): list(row[2:-1]) for row in ws.iter_rows(min_row=3, values_only=True)}


def cli(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_sheets_titles_print_settings_and_formula_safe_cells(world, tmp_path):
    Enterprise.objects.filter(pk=world.e_ly.pk).update(name=EVIL)
    world.ly["visit"].__class__.objects.filter(pk=world.ly["visit"].pk).update(note=EVIL)
    out = tmp_path / "台账.xlsx"
    assert "已生成" in cli("ledger", "--batch", "14", "--city", "常州市", "--month", "2021-09", "--out", str(out))
    book = book_of(out.read_bytes())
    assert book.sheetnames == SHEETS
    for ws in book.worksheets:
        title = ws["A1"].value
        assert "常州市第十四批" in title and "全市各支团" in title and "2021年9月" in title, title
        assert ws.freeze_panes == "A3" and ws.print_title_rows == "$1:$2"
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    (visit,) = [r for r in records(book["走访记录"]) if r["支团"] == world.liyang.name]
    assert visit["日期"] == dt.datetime(2021, 9, 1)
    assert visit["企业"] == EVIL and visit["走访情况"] == EVIL
    cells = [c for row in book["走访记录"].iter_rows(min_row=3) for c in row if c.value == EVIL]
    assert len(cells) == 2 and {c.data_type for c in cells} == {"s"}


def test_overview_has_every_metric_for_the_month_and_to_date_per_group(world):
    book = book_of(ledger_workbook(ledger_for(batch=world.batch, month=dt.date(2021, 9, 1))))
    ws = book["月度概览"]
    header = [c.value for c in ws[2]]
    assert header[:4] == ["指标", "单位", "合计·本月", "合计·累计至9月30日"]
    assert header[4:8] == ["溧阳团·本月", "溧阳团·累计至9月30日", "金坛团·本月", "金坛团·累计至9月30日"]
    assert header[-1] == "统计口径"
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert [(r[0], r[1]) for r in rows] == [(m.name, m.unit) for m in SCORECARD_METRICS]
    visits = rows[[m.code for m in SCORECARD_METRICS].index("visits")]
    assert visits[2:8] == (2, 2, 1, 1, 1, 1)
    october = book_of(ledger_workbook(ledger_for(batch=world.batch, month=dt.date(2021, 10, 1))))["月度概览"]
    visits = list(october.iter_rows(min_row=3, values_only=True))[[m.code for m in SCORECARD_METRICS].index("visits")]
    assert visits[2:4] == (0, 2)  # nothing in October, two to date


def test_cooperation_sheet_sums_contracts_and_receipts_of_the_month(world):
    from techmayor.cooperation.services import agreement_receipt_add

    agreement_receipt_add(agreement=world.ly["agreement"], date=dt.date(2021, 9, 20), amount_wan="120.5")
    agreement_receipt_add(agreement=world.ly["agreement"], date=dt.date(2021, 10, 2), amount_wan="30")
    ws = book_of(ledger_workbook(ledger_for(batch=world.batch, month=dt.date(2021, 9, 1))))["合作与到账"]
    kinds = sorted(r["类别"] for r in records(ws))
    assert kinds == ["到账", "合作意向", "合作意向", "校企合作", "校企合作"]
    total = list(ws.iter_rows(values_only=True))[-1]
    assert total[0] == "合计" and total[5] == 1000 and total[6] == 120.5


def test_needs_sheet_shows_open_needs_as_they_stood_at_the_months_end(world):
    need = need_create(
        batch=world.batch,
        group=world.liyang,
        enterprise=world.e_ly,
        title="精密轴承热处理工艺",
        description="说明",
        date=dt.date(2021, 9, 1),
        members=[world.ly_a],
        state="published",
    )
    at = dt.datetime(2021, 9, 10, 10, tzinfo=dt.UTC)
    need_claim(need=need, member=world.ly_a, at=at)
    need_transition(need=need, action=NeedAction.SUBMIT_COMPLETION, at=dt.datetime(2021, 12, 1, tzinfo=dt.UTC))

    def row(month):
        ws = book_of(ledger_workbook(ledger_for(batch=world.batch, month=month)))["需求进展"]
        return records(ws)

    (october,) = row(dt.date(2021, 10, 1))
    assert october["月末状态"] == "对接中" and october["负责人"] == world.ly_a.name
    assert october["最近更新"] == dt.datetime(2021, 9, 10)
    assert october["距最近更新(天)"] == 51 and october["超30天未更新"] == "是"
    (september,) = row(dt.date(2021, 9, 1))
    assert september["距最近更新(天)"] == 20 and september["超30天未更新"] == "否"
    (december,) = row(dt.date(2021, 12, 1))
    assert december["月末状态"] == "待验收" and december["超30天未更新"] == "否"
    assert row(dt.date(2021, 8, 1)) == []  # not collected yet


# --- the download, scoped as the scorecard page ---------------------------------------------------


def download(client, user, **params):
    client.force_login(user)
    return client.get(reverse("scorecard:ledger_workbook"), {"month": "2021-09", **params})


def groups_in(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    header = [c.value for c in book_of(response.content)["月度概览"][2]]
    return [h.split("·")[0] for h in header[2:-1:2]]


def test_download_is_scoped_as_the_scorecard_page(client, world):
    u = world.users
    assert groups_in(download(client, u.admin)) == ["合计", "溧阳团", "金坛团"]
    assert groups_in(download(client, u.leader)) == ["合计", "溧阳团", "金坛团"]
    assert groups_in(download(client, u.ds_jt)) == ["金坛团"]
    assert groups_in(download(client, u.m_ly)) == ["溧阳团"]
    assert groups_in(download(client, u.gl_ly)) == ["溧阳团"]
    assert groups_in(download(client, u.admin, group=world.jintan.pk)) == ["金坛团"]
    assert download(client, u.m_ly, group=world.jintan.pk).status_code == 404
    assert download(client, u.nobody).status_code == 403
    client.logout()
    assert client.get(reverse("scorecard:ledger_workbook")).status_code == 302


def test_a_member_sees_the_groups_figures_but_only_their_own_records(client, world):
    from tests.web.conftest import make_record

    make_record("visit", group=world.liyang, member=world.ly_b, enterprise=world.e_ly, town=world.town_ly)
    book = book_of(download(client, world.users.m_ly).content)
    visits = overview(book["月度概览"])[("走访企业", "家次")]
    assert visits[:2] == [2, 2]  # 溧阳团's two visits (家次) ...
    assert [r["团员"] for r in records(book["走访记录"])] == ["溧阳甲"]  # ... of which one is theirs
    admin = book_of(download(client, world.users.admin, group=world.liyang.pk).content)
    assert sorted(r["团员"] for r in records(admin["走访记录"])) == ["溧阳乙", "溧阳甲"]


def test_bad_month_in_the_ui_is_a_chinese_message_not_a_500(client, world):
    response = download(client, world.users.admin, month="2021-13")
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert "月份格式应为 YYYY-MM" in response.content.decode()
    assert download(client, world.users.admin, month="2030-01").status_code == 302
    assert download(client, world.users.admin, group="x").status_code == 404


def test_the_scorecard_page_links_to_the_download(client, world):
    client.force_login(world.users.admin)
    html = client.get(reverse("scorecard:overview")).content.decode()
    assert reverse("scorecard:ledger_workbook") in html


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--batch", "9", "--month", "2021-09"], "找不到常州市第9批"),
        (["--batch", "14", "--month", "2021/09"], "月份格式应为 YYYY-MM"),
        (["--batch", "14", "--month", "2025-01"], "不在常州市第十四批的期限内"),
        (["--batch", "14", "--month", "2021-09", "--group", "武进团"], "没有“武进团”（本批支团：溧阳团、金坛团）"),
    ],
)
def test_cli_errors_are_chinese_and_fail(world, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        cli("ledger", *args, "--out", str(tmp_path / "x.xlsx"))
    assert not (tmp_path / "x.xlsx").exists()


def test_cli_refuses_a_missing_output_directory(world, tmp_path):
    with pytest.raises(CommandError, match="输出目录不存在"):
        cli("ledger", "--batch", "14", "--month", "2021-09", "--out", str(tmp_path / "nowhere" / "x.xlsx"))


def test_cli_group_ledger(world, tmp_path):
    out = tmp_path / "x.xlsx"
    cli("ledger", "--batch", "14", "--month", "2021-09", "--group", "金坛团", "--out", str(out))
    book = book_of(out.read_bytes())
    assert "金坛团" in book["月度概览"]["A1"].value
    assert {r["支团"] for r in records(book["走访记录"])} == {"金坛团"}


def test_cumulative_and_monthly_columns_equal_the_scorecard_command(world, tmp_path):
    visit = world.ly["visit"]
    visit.__class__.objects.filter(pk=visit.pk).update(date=dt.date(2021, 10, 15))
    out = tmp_path / "x.xlsx"
    cli("ledger", "--batch", "14", "--month", "2021-10", "--out", str(out))
    rows = overview(book_of(out.read_bytes())["月度概览"])
    to_date = json.loads(cli("scorecard", "--batch", "14", "--until", "2021-10-31", "--format", "json"))
    month = json.loads(
        cli("scorecard", "--batch", "14", "--since", "2021-10-01", "--until", "2021-10-31", "--format", "json")
    )
    assert_columns_equal(rows, to_date, month)
    assert rows[("走访企业", "家次")][:2] == [1, 2]  # the month's one visit, two to date


def assert_columns_equal(rows: dict, to_date: dict, month: dict) -> None:
    """Each figure, for the total and each group: 本月 = scorecard over the month, 累计 = scorecard --until."""
    assert len(rows) == len(SCORECARD_METRICS)
    for metric in SCORECARD_METRICS:
        expected = [month["totals"][metric.code], to_date["totals"][metric.code]]
        for name in to_date["groups"]:
            expected += [month["groups"][name][metric.code], to_date["groups"][name][metric.code]]
        assert rows[(metric.name, metric.unit)] == expected, metric.code

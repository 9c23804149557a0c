"""The platform's one xlsx writer: sheets, title rows, print settings, types, totals, and text that
looks like a formula written as text on every export of the platform."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db.models import CharField, TextField, Value
from django.db.models.functions import Concat
from django.urls import reverse
from openpyxl import load_workbook

from techmayor.core.exports import Sheet, workbook_bytes
from techmayor.enterprises.models import Enterprise
from techmayor.needs.models import Need
from techmayor.needs.services import need_create
from techmayor.resources.models import University
from tests.web.conftest import KEYS, url

EVIL = '=HYPERLINK("http://x","y")'
TRICKY = [EVIL, "+1+2", "-1+2", "@SUM(A1)", "  =1+1", "\t=1+1", "\r=1+1"]


def load(content: bytes):
    return load_workbook(io.BytesIO(content))


def test_text_that_looks_like_a_formula_is_a_text_cell_without_a_prefix():
    book = load(workbook_bytes([Sheet(name="s", headers=["值"], rows=[[v] for v in TRICKY])]))
    cells = [row[0] for row in book["s"].iter_rows(min_row=2)]
    assert [c.value for c in cells] == [v.replace("\r", "\n") for v in TRICKY]  # line ends written as LF
    assert {c.data_type for c in cells} == {"s"}


def test_control_characters_are_dropped_instead_of_breaking_the_file():
    book = load(workbook_bytes([Sheet(name="s", headers=["值"], rows=[["a\x00b\x07c"]])]))
    assert book["s"]["A2"].value == "abc"


def test_sheets_title_row_header_types_and_totals():
    rows = [
        [dt.date(2022, 4, 1), "甲", 3, Decimal("2212.0000"), True],
        [dt.date(2022, 4, 2), "乙", 2, Decimal("120.5000"), False],
    ]
    first = Sheet(
        name="合作与到账",
        title="常州市第十四批 · 溧阳团 · 2022-04-01 至 2022-04-30",
        headers=["日期", "名称", "家次", "合同金额(万元)", "列入"],
        rows=rows,
        widths=[12, 30, 8, 14, 8],
        totals=[2, 3],
    )
    book = load(workbook_bytes([first, Sheet(name="第二页", headers=["a"], rows=[])]))
    assert book.sheetnames == ["合作与到账", "第二页"]
    ws = book["合作与到账"]
    assert ws["A1"].value.startswith("常州市第十四批")
    assert "A1:E1" in {str(r) for r in ws.merged_cells.ranges}
    assert [c.value for c in ws[2]] == ["日期", "名称", "家次", "合同金额(万元)", "列入"]
    assert ws["A2"].font.b
    assert ws.freeze_panes == "A3"
    assert ws.print_title_rows == "$1:$2"
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.column_dimensions["B"].width == 30
    assert ws["A3"].value == dt.datetime(2022, 4, 1)
    assert ws["A3"].number_format == "yyyy-mm-dd"
    assert (ws["C3"].value, ws["D3"].value, ws["D4"].value) == (3, 2212, 120.5)
    assert isinstance(ws["C3"].value, int)
    assert (ws["E3"].value, ws["E4"].value) == ("是", "否")
    assert [c.value for c in ws[5]] == ["合计", None, 5, 2332.5, None]
    plain = book["第二页"]
    assert plain["A1"].value == "a"
    assert plain.freeze_panes == "A2"


# --- every export of the platform ---------------------------------------------------------------


def poison(world) -> None:
    """A formula in every enterprise's name and in every free-text field of every record."""
    Enterprise.objects.update(name=EVIL)
    University.objects.update(name=Concat(Value(EVIL), "pk", output_field=CharField()))
    for model in {type(r) for r in world.ly.values()}:
        texts = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, CharField | TextField) and not f.choices and (f.max_length or 999) >= len(EVIL)
        ]
        model.objects.update(**dict.fromkeys(texts, EVIL))


def assert_formula_free(content: bytes, where: str) -> int:
    """No cell is a formula; returns how many cells hold the text itself."""
    book = load(content)
    hits = 0
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (where, ws.title, cell.coordinate, cell.value)
                if cell.value is not None and EVIL in str(cell.value):
                    assert cell.data_type == "s"
                    hits += 1
    return hits


@pytest.mark.django_db
@pytest.mark.parametrize("key", KEYS)
def test_every_record_export_writes_formulas_as_text(login, world, key):
    poison(world)
    response = login(world.users.admin).get(url(key, "export"))
    assert response.status_code == 200
    assert assert_formula_free(response.content, key) > 0, key


@pytest.mark.django_db
def test_visit_export_keeps_the_enterprise_name_and_the_note_as_typed(login, world):
    poison(world)
    ws = load(login(world.users.admin).get(url("visit", "export") + f"?group={world.liyang.pk}").content).active
    header = [c.value for c in ws[1]]
    name, note = ws.cell(2, header.index("企业") + 1), ws.cell(2, header.index("走访情况") + 1)
    assert (name.value, name.data_type, note.value, note.data_type) == (EVIL, "s", EVIL, "s")


@pytest.mark.django_db
def test_enterprise_and_need_exports_write_formulas_as_text(login, world):
    poison(world)
    need_create(
        batch=world.batch,
        group=world.liyang,
        enterprise=world.e_ly,
        title="需求",
        description="说明",
        date=dt.date(2021, 9, 1),
        members=[world.ly_a],
    )
    Need.objects.update(title=EVIL)  # as an old import or the admin could have stored it
    client = login(world.users.admin)
    assert assert_formula_free(client.get(reverse("enterprises:enterprise_export")).content, "enterprises") >= 2
    need_export = client.get(reverse("needs:need_export")).content
    assert assert_formula_free(need_export, "needs") >= 2
    assert Need.objects.count() == 1

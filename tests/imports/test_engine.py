import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from techmayor.core import values
from techmayor.core.errors import ApplicationError
from techmayor.core.files import TableData, _rows
from techmayor.imports.engine import data_rows, get_kind, locate


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2021-08-03", dt.date(2021, 8, 3)),
        ("2021.8.3", dt.date(2021, 8, 3)),
        ("2021/8/3", dt.date(2021, 8, 3)),
        ("2021年8月3日", dt.date(2021, 8, 3)),
        ("20210803", dt.date(2021, 8, 3)),
        ("44411", dt.date(2021, 8, 3)),  # an Excel serial in a text cell
        ("2021-08-03 00:00:00", dt.date(2021, 8, 3)),
        ("２０２１．８．３", dt.date(2021, 8, 3)),  # full-width digits and stop
    ],
)
def test_dates_as_typed(text, expected):
    assert values.parse_date(text) == expected


@pytest.mark.parametrize("text", ["下周", "2021年8月", "2021-02-30", "12345", ""])
def test_bad_dates_say_why(text):
    with pytest.raises(ValueError):
        values.parse_date(text)


@pytest.mark.parametrize(
    "text,expected",
    [("1,234.5", "1234.5"), ("1234.5万元", "1234.5"), ("1,200万", "1200"), ("3亿元", "30000"), ("50000元", "5"),
     ("１２００", "1200"), ("", None)],
)  # fmt: skip
def test_amounts_in_wan(text, expected):
    assert values.parse_wan(text) == (Decimal(expected) if expected else None)


def test_names_split_on_every_separator_people_use():
    assert values.split_names("张三、李四,王五，赵六;钱七；孙八 周九　吴十 张三") == [
        "张三", "李四", "王五", "赵六", "钱七", "孙八", "周九", "吴十",
    ]  # fmt: skip


def table(rows) -> TableData:
    return TableData(path=Path("t.xls"), rows=_rows(rows))


def test_the_header_is_found_below_titles_over_two_rows_with_units_and_synonyms(db):
    kind = get_kind("agreements")
    t = table(
        [
            ["2021年合作协议台账", None, None, None],
            [],
            ["合同名称", "合作院校", "金额信息", None, "签约日期"],
            [None, None, "合同金额（万元）", "实际到账", None],
            ["热处理工艺合作", "东南大学", 1000.0, 300.0, dt.datetime(2021, 10, 1)],
            ["合同名称", "合作院校", "合同金额（万元）", "实际到账", "签约日期"],  # repeated on the next page
            ["合计", None, 1000.0, 300.0, None],
        ]
    )
    layout = locate(t, kind)
    assert (layout.first, layout.last) == (3, 4)
    assert layout.columns == {"title": 0, "university": 1, "contract_amount_wan": 2, "received_wan": 3, "date": 4}
    rows = list(data_rows(t, layout))
    assert [r.number for r, _ in rows] == [5]
    assert rows[0][1]["date"] == "2021-10-01" and rows[0][1]["contract_amount_wan"] == "1000"


def test_missing_identifying_columns_are_named_with_their_other_names(db):
    with pytest.raises(ApplicationError) as info:
        locate(table([["序号", "备注"], ["1", "x"]]), get_kind("visits"))
    assert info.value.message.startswith("表头（第1行）缺少列：企业名称（或 单位名称/公司名称/企业全称）、走访日期")


def test_an_xls_file_goes_through_the_same_reader(w, monkeypatch, tmp_path):
    """xlwt cannot be installed to write an .xls; the reader's .xls branch returns typed cells like these
    (xlrd gives floats and datetimes), and the engine reads them as it reads any table."""
    from techmayor.imports import services
    from techmayor.ledger.models import Visit
    from tests.imports.conftest import ctx_for

    xls = table([["企业名称", "走访日期", "走访人员"], ["常州恒远精密机械有限公司", dt.datetime(2021, 9, 3), "张三"]])
    monkeypatch.setattr(services, "open_rows", lambda path: xls)
    path = tmp_path / "走访.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    ctx = ctx_for(w, w.users.admin)
    services.import_execute(services.import_preview("visits", path, ctx=ctx), ctx=ctx)
    assert Visit.objects.get().date == dt.date(2021, 9, 3)

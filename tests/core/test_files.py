import datetime as dt
import gzip
import lzma

import openpyxl
import pytest

from techmayor import data
from techmayor.core.errors import ApplicationError
from techmayor.core.files import clean_cell, content_suffix, find_header, format_number, open_file, read_rows

HEADER = ["序号", "学校名称", "学校标识码", "主管部门", "所在地", "办学层次", "备注"]
ROWS = [
    ["全国普通高等学校名单"],
    HEADER,
    ["江苏省（2所）"],
    ["1", "南京大学", "4132010284", "教育部", "南京市", "本科", ""],
    ["2", "中国矿业大学（北京）", "4111010290", "教育部", "北京市", "本科", ""],
]


def write_csv(path, rows, encoding):
    path.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding=encoding)
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_utf8_or_gbk_reads_the_same(tmp_path, encoding):
    table = read_rows(write_csv(tmp_path / "list.csv", ROWS, encoding))
    assert [r.number for r in table.rows] == [1, 2, 3, 4, 5]
    assert list(table.rows[1].cells) == HEADER  # no BOM left on the first cell
    assert table.rows[4].cells[1] == "中国矿业大学（北京）"  # characters kept as written
    assert table.encoding in {"utf-8", "utf-8-sig", "gb18030"}


def test_csv_cells_are_trimmed_and_blank_rows_keep_their_numbers(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("a,b\n\n  南京\u3000大学 ,\t 4132010284 \n,,\n", encoding="utf-8")
    table = read_rows(path)
    assert [(r.number, r.cells) for r in table.rows] == [(1, ("a", "b")), (2, ()), (3, ("南京 大学", "4132010284"))]


def test_tab_separated_csv(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("学校名称\t学校标识码\n南京大学\t4132010284\n", encoding="gbk")
    assert read_rows(path).rows[1].cells == ("南京大学", "4132010284")


def test_xlsx_numbers_dates_and_row_numbers(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["title"])
    sheet.append([])  # a blank row 2
    sheet.append(["南京大学", 4132010284.0, 1.5, dt.datetime(2025, 6, 20), True, None])
    path = tmp_path / "list.xlsx"
    book.save(path)
    table = read_rows(path)
    assert [r.number for r in table.rows] == [1, 2, 3]
    assert table.rows[1].is_blank
    assert table.rows[2].cells == ("南京大学", "4132010284", "1.5", "2025-06-20", "TRUE")
    assert table.sheet == "Sheet"


def test_excel_content_is_trusted_over_the_extension(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["学校名称"])
    path = tmp_path / "really_xlsx.xls"
    book.save(path)
    assert read_rows(path).rows[0].cells == ("学校名称",)


def test_html_saved_as_xls_is_explained(tmp_path):
    path = tmp_path / "export.xls"
    path.write_text("<html><table><tr><td>学校名称</td></tr></table></html>", encoding="utf-8")
    with pytest.raises(ApplicationError, match="网页（HTML）格式"):
        read_rows(path)


def test_damaged_xlsx(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ApplicationError, match=r"无法读取 broken\.xlsx"):
        read_rows(path)


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\n\n , ,\n"])
def test_empty_files(tmp_path, content):
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    with pytest.raises(ApplicationError, match="文件为空"):
        read_rows(path)


def test_unknown_extension_and_missing_file(tmp_path):
    path = tmp_path / "list.txt"
    path.write_text("x", encoding="utf-8")
    with pytest.raises(ApplicationError) as err:
        read_rows(path)
    assert err.value.message == "无法识别的文件格式：.txt（支持 .xls、.xlsx、.csv）"
    with pytest.raises(ApplicationError, match="文件不存在"):
        read_rows(tmp_path / "missing.csv")


def test_real_moe_xls_shipped_compressed():
    table = read_rows(data.UNIVERSITIES)
    assert table.rows[2].number == 3
    assert list(table.rows[2].cells) == HEADER
    assert table.rows[4].cells[:3] == ("1", "北京大学", "4111010001")  # float cells come back as Excel shows them


@pytest.mark.parametrize("compress", [gzip.compress, lzma.compress])
def test_compressed_files_read_as_what_they_hold(tmp_path, compress):
    plain = write_csv(tmp_path / "list.csv", ROWS, "gbk")
    packed = tmp_path / ("list.csv.gz" if compress is gzip.compress else "list.csv.xz")
    packed.write_bytes(compress(plain.read_bytes()))
    assert content_suffix(packed) == ".csv"
    assert read_rows(packed).rows == read_rows(plain).rows

    book = openpyxl.Workbook()
    for row in ROWS:
        book.active.append(row)
    book.save(tmp_path / "list.xlsx")
    xlsx = tmp_path / "list.xlsx.xz"
    xlsx.write_bytes(lzma.compress((tmp_path / "list.xlsx").read_bytes()))
    assert read_rows(xlsx).rows[3].cells[1] == "南京大学"


def test_a_damaged_compressed_file_is_refused_in_chinese(tmp_path):
    path = tmp_path / "list.xls.xz"
    path.write_bytes(b"not xz at all")
    with pytest.raises(ApplicationError, match="压缩文件已损坏"):
        read_rows(path)
    cut = tmp_path / "list.csv.gz"  # the head decompresses, the rest is missing
    text = "序号,学校名称\n" + "".join(f"{i},大学{i * 7919 % 10007}\n" for i in range(2000))
    cut.write_bytes(gzip.compress(text.encode())[:300])
    with pytest.raises(ApplicationError, match="压缩文件已损坏"):
        read_rows(cut)
    with pytest.raises(ApplicationError, match=r"无法识别的文件格式：\.txt"):
        read_rows(tmp_path / "list.txt.gz")


def test_open_file_reads_text_through_the_compression():
    with open_file(data.PAPER_TITLES, "r", encoding="utf-8") as fh:
        assert fh.readline().rstrip("\n").split("\t") == ["title", "category"]


def test_find_header_is_tolerant_of_width_spaces_and_markers(tmp_path):
    rows = [["名单"], ["序 号", "＊学校名称", "学校标识码：", "主管部门"], ["1", "南京大学", "4132010284", "教育部"]]
    table = read_rows(write_csv(tmp_path / "h.csv", rows, "utf-8"))
    header = find_header(table, ["学校名称", "学校标识码"], ["序号", "备注"])
    assert header.row.number == 2
    assert header.columns == {"序号": 0, "学校名称": 1, "学校标识码": 2}
    assert header.value(table.rows[2], "学校标识码") == "4132010284"
    assert header.value(table.rows[2], "备注") == ""


def test_find_header_names_missing_columns(tmp_path):
    rows = [["名单"], ["序号", "学校名称", "学校代码", "主管部门"], ["1", "南京大学", "4132010284", "教育部"]]
    table = read_rows(write_csv(tmp_path / "h.csv", rows, "utf-8"))
    with pytest.raises(ApplicationError) as err:
        find_header(table, ["学校名称", "学校标识码", "办学层次"])
    assert err.value.message == "表头（第2行）缺少列：学校标识码、办学层次"
    with pytest.raises(ApplicationError, match="未找到表头行"):
        find_header(table, ["姓名"])


@pytest.mark.parametrize(
    ("value", "text"),
    [(4111010001.0, "4111010001"), (0.1 + 0.2, "0.3"), (-3.0, "-3"), (1e20, "1e+20"), (float("nan"), "")],
)
def test_format_number(value, text):
    assert format_number(value) == text


def test_clean_cell():
    assert clean_cell(None) == ""
    assert clean_cell(" 全国普通高等学校名单\n（截至2025年6月20日） ") == "全国普通高等学校名单 （截至2025年6月20日）"
    assert clean_cell("\ufeff南京\u200b大学") == "南京大学"
    assert clean_cell(dt.date(2025, 6, 20)) == "2025-06-20"
    assert clean_cell(dt.datetime(2025, 6, 20, 8, 30)) == "2025-06-20 08:30:00"

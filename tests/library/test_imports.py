"""Importing experts and their results (xlsx / CSV) through the record-import engine: the same
row-error rules as the other imports, the library's write scope per row, idempotent, audited,
and the index following."""

from __future__ import annotations

import pytest
from django.urls import reverse

from techmayor.core.errors import ApplicationError
from techmayor.core.models import AuditLog
from techmayor.imports.engine import ImportContext
from techmayor.imports.services import import_execute, import_preview
from techmayor.matchmaking import services as matching
from techmayor.resources.models import Achievement, Expert
from tests.imports.conftest import csv_file, xlsx

pytestmark = pytest.mark.django_db


def run(kind, path, user, **kwargs):
    ctx = ImportContext(user=user)
    preview = import_preview(kind, path, ctx=ctx)
    return preview, (import_execute(preview, ctx=ctx, **kwargs) if not preview.errors or kwargs else None)


def experts_rows(lib):
    return [
        ["专家名录（2022年）"],
        ["专家姓名", "工作单位", "院系", "职称", "研究方向", "电子邮箱"],
        ["陈新", lib.u1.name, "材料学院", "教授", "锂电池、储能", "chen@example.edu.cn"],
        ["周明", "江苏省产业技术研究院", "", "研究员", "传感器", ""],
    ]


def test_an_administrator_imports_experts_from_an_xlsx_once(lib, tmp_path):
    path = xlsx(tmp_path / "专家.xlsx", experts_rows(lib))
    preview, _ = run("experts", path, lib.users["admin"])
    assert preview.counts == {"create": 2, "update": 0, "unchanged": 0, "bad": 0}
    chen = Expert.objects.get(name="陈新")
    zhou = Expert.objects.get(name="周明")
    assert (chen.university, chen.organization, chen.disciplines) == (lib.u1, "材料学院", ["锂电池", "储能"])
    assert (zhou.university, zhou.organization) == (None, "江苏省产业技术研究院")
    assert AuditLog.objects.filter(model="resources.expert", action="create", object_id=str(chen.pk)).exists()
    again, _ = run("experts", path, lib.users["admin"])
    assert again.counts == {"create": 0, "update": 0, "unchanged": 2, "bad": 0}
    rows = experts_rows(lib)
    rows[2][4] = "锂电池、固态电池"
    changed, _ = run("experts", xlsx(tmp_path / "2.xlsx", rows), lib.users["admin"])
    assert changed.counts["update"] == 1
    assert Expert.objects.get(name="陈新").disciplines == ["锂电池", "储能", "固态电池"]


def test_bad_rows_are_named_and_nothing_is_written(lib, tmp_path):
    rows = [
        ["姓名", "所在高校", "邮箱"],
        ["", lib.u1.name, ""],
        ["李雷", "不存在大学", ""],
        ["韩梅", lib.u1.name, "not-an-email"],
        ["李华", lib.u1.name, ""],
        ["李华", lib.u1.name, ""],
        ["王刚", "", ""],
    ]
    preview, _ = run("experts", csv_file(tmp_path / "e.csv", rows), lib.users["admin"])
    assert preview.errors == [
        "第2行: 姓名: 不能为空",
        "第3行: 所在高校: 「不存在大学」不在高校名录中（请先导入或添加该高校）",
        "第4行: 邮箱: 「not-an-email」不是有效的邮箱地址",
        "第6行: 姓名: 与第5行重复",
        "第7行: 所在高校: 请填写所在高校或所在机构",
    ]
    with pytest.raises(ApplicationError):
        import_execute(preview, ctx=ImportContext(user=lib.users["admin"]))
    assert not Expert.objects.filter(name__in=["李雷", "韩梅", "李华", "王刚"]).exists()


def test_a_member_imports_only_the_experts_of_their_unit(lib, tmp_path):
    rows = [["姓名", "所在高校"], ["甲", lib.u1.name], ["乙", lib.u2.name]]
    preview, _ = run("experts", csv_file(tmp_path / "m.csv", rows), lib.users["member"])
    assert preview.counts["create"] == 1 and preview.errors == ["第3行: 所在高校: 只能导入本派出单位的专家"]
    with pytest.raises(ApplicationError, match="权限"):
        run("experts", csv_file(tmp_path / "t.csv", rows), lib.users["town"])


def test_results_are_imported_with_their_experts_and_indexed(lib, tmp_path, django_capture_on_commit_callbacks):
    matching.matching_index_build()
    e1 = lib.experts["E1"]
    rows = [
        ["成果名称", "成果类型", "申请号", "发明人", "所属高校", "摘要", "关键词", "年份"],
        ["一种钠离子电池层状正极材料", "发明专利", "CN2023100001", e1.name, lib.u1.name, "钠离子电池正极",
         "钠离子电池、正极", "2023年"],
        ["无名成果", "专著", "", e1.name, "", "", "", ""],
        ["另一成果", "论文", "", "查无此人", "", "", "", ""],
        ["第三成果", "论文", "", "", "", "", "", "1800"],
    ]  # fmt: skip
    path = xlsx(tmp_path / "成果.xlsx", rows)
    preview, _ = run("results", path, lib.users["member"])
    assert preview.errors == [
        "第3行: 成果类型: 「专著」不是可选值（论文、专利、技术成果）",
        "第4行: 专家: 专家库中没有「查无此人」（请先导入专家名录）",
        "第5行: 年份: 「1800」不是有效年份",
    ]
    ctx = ImportContext(user=lib.users["member"])
    with django_capture_on_commit_callbacks(execute=True):
        import_execute(preview, ctx=ctx, skip_bad=True)
    result = Achievement.objects.get(external_id="CN2023100001")
    assert (result.kind, result.year, list(result.experts.all()), result.university) == ("patent", 2023, [e1], lib.u1)
    assert matching.matcher_get().search("钠离子电池层状正极", target="achievements", k=1)[0].id == "CN2023100001"
    again, _ = run("results", path, lib.users["member"])
    assert again.counts["unchanged"] == 1 and again.counts["create"] == 0


def test_a_member_cannot_import_results_of_another_units_experts(lib, tmp_path):
    e3 = lib.experts["E3"]  # at U2
    rows = [["成果名称", "专家"], ["别人的成果", e3.name]]
    preview, _ = run("results", csv_file(tmp_path / "r.csv", rows), lib.users["member"])
    assert preview.errors == ["第2行: 专家: 只能导入本派出单位专家的成果"]


def test_the_import_page_offers_the_library_kinds_to_those_who_may(client, lib):
    client.force_login(lib.users["member"])
    page = client.get(reverse("imports:index")).content.decode()
    assert 'value="experts"' in page and 'value="results"' in page


def test_the_command_imports_experts_without_a_batch(lib, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    path = str(csv_file(tmp_path / "专家.csv", experts_rows(lib)[1:]))
    call_command("import_data", "records", path, "--kind", "experts", stdout=out, stderr=StringIO())
    assert "新增 2" in out.getvalue() and Expert.objects.filter(name__in=["陈新", "周明"]).count() == 2

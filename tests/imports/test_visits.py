import datetime as dt

import pytest

from techmayor.core.files import ImportRejected
from techmayor.core.models import AuditLog
from techmayor.imports.services import import_execute, import_preview
from techmayor.ledger.models import Visit
from techmayor.needs.models import Lead
from tests.imports.conftest import csv_file, ctx_for, xlsx

# A ledger as groups keep it: a title row, a two-row header (合并单元格 "走访信息" over date and members),
# an Excel serial date, a date with full-width digits, members in one cell, a totals row.
ROWS = [
    ["溧阳团2021年走访企业台账"],
    ["序号", "单位名称", "统一社会信用代码", "走访信息", None, "属地", "走访内容", "发现需求"],
    [None, None, None, "时间", "参与团员", None, None, None],
    [1, "常州恒远精密机械有限公司", None, 44440, "张三、李四", "天目湖镇", "了解生产情况", "需要伺服电机控制算法"],
    [2, "常州新企业科技有限公司", None, "２０２１．９．１５", "张三，李四", "天目湖", "新认识的企业", None],
    ["合计", None, None, None, None, None, None, None],
]


@pytest.fixture
def ledger(tmp_path):
    return xlsx(tmp_path / "走访台账.xlsx", ROWS, merges=["A1:H1", "D2:E2", "B2:B3"])


def test_messy_xlsx_previews_then_imports_through_the_services(w, ledger):
    ctx = ctx_for(w, w.users.admin)
    preview = import_preview("visits", ledger, ctx=ctx)
    assert preview.layout.last == 3
    assert [p.action for p in preview.rows] == ["create", "create"]
    assert any("新企业" in line for line in preview.warnings)
    assert Visit.objects.count() == 0  # the preview writes nothing

    log = import_execute(preview, ctx=ctx)
    visits = list(Visit.objects.order_by("date"))
    assert [v.date for v in visits] == [dt.date(2021, 9, 1), dt.date(2021, 9, 15)]
    assert {m.name for m in visits[0].members.all()} == {"张三", "李四"}
    assert visits[1].enterprise.region == w.town_ly
    assert Lead.objects.get().raw_text == "需要伺服电机控制算法"
    assert AuditLog.objects.filter(source="import", model="ledger.visit").count() == 2
    assert log.created_count == 2 and sorted(log.created["ledger.visit"]) == sorted(v.pk for v in visits)


def test_reimporting_the_same_file_changes_nothing(w, ledger):
    ctx = ctx_for(w, w.users.admin)
    import_execute(import_preview("visits", ledger, ctx=ctx), ctx=ctx)
    again = import_preview("visits", ledger, ctx=ctx_for(w, w.users.admin))
    assert [p.action for p in again.rows] == ["unchanged", "unchanged"]
    log = import_execute(again, ctx=ctx_for(w, w.users.admin))
    assert (log.created_count, log.updated_count, log.unchanged_count) == (0, 0, 2)
    assert Visit.objects.count() == 2 and Lead.objects.count() == 1


def test_gbk_csv_with_a_bad_row_writes_nothing(w, tmp_path):
    path = csv_file(
        tmp_path / "visits.csv",
        [
            ["企业名称", "走访日期", "走访人员"],
            ["常州恒远精密机械有限公司", "2021/9/3", "张三"],
            ["常州恒远精密机械有限公司", "2021年9月31日", "张三"],
            ["常州恒远精密机械有限公司", "2021.9.5", "赵六"],
        ],
    )
    preview = import_preview("visits", path, ctx=ctx_for(w, w.users.admin))
    assert preview.errors == [
        "第3行: 走访日期: 「2021年9月31日」不是有效日期：2021年9月没有31日",
        "第4行: 走访人员: 「赵六」不是常州市第十四批的团员",
    ]
    with pytest.raises(ImportRejected):
        import_execute(preview, ctx=ctx_for(w, w.users.admin))
    assert Visit.objects.count() == 0
    log = import_execute(preview, ctx=ctx_for(w, w.users.admin), skip_bad=True)
    assert (log.created_count, log.skipped_count) == (1, 2)


def test_a_similar_name_is_offered_never_merged(w, tmp_path):
    path = csv_file(
        tmp_path / "v.csv", [["公司名称", "日期", "团员"], ["常州市恒远精密机械有限公司", "20210903", "张三"]]
    )
    preview = import_preview("visits", path, ctx=ctx_for(w, w.users.admin))
    assert preview.errors == [
        "第2行: 企业名称: 系统中没有「常州市恒远精密机械有限公司」，有相似的「常州恒远精密机械有限公司」"
        "（相似度 100%）：请核对后改为该名称，或选择仍然新建"
    ]
    preview = import_preview("visits", path, ctx=ctx_for(w, w.users.admin, allow_similar=True))
    assert preview.errors == [] and "有相似的" in preview.warnings[0]


def test_a_member_imports_only_for_their_group_and_is_always_credited(w, tmp_path):
    path = csv_file(
        tmp_path / "v.csv",
        [["企业名称", "日期", "支团", "团员"], ["常州恒远精密机械有限公司", "2021-9-3", "溧阳团", "李四"],
         ["金坛新材料科技有限公司", "2021-9-4", "金坛团", "王五"]],
    )  # fmt: skip
    preview = import_preview("visits", path, ctx=ctx_for(w, w.users.m_zhang))
    assert preview.errors == ["第3行: 支团: 你不能为金坛团登记记录"]
    assert [m.name for m in preview.rows[0].data["members"]] == ["张三", "李四"]


def test_a_town_staff_cannot_import_visits(w, ledger):
    from techmayor.core.errors import ApplicationError

    with pytest.raises(ApplicationError, match="没有在常州市第十四批导入走访记录的权限"):
        import_preview("visits", ledger, ctx=ctx_for(w, w.users.ts_ly))


def test_a_service_refusing_a_row_half_way_leaves_nothing(w, tmp_path, monkeypatch):
    from techmayor.core.errors import ApplicationError
    from techmayor.ledger import services

    path = csv_file(
        tmp_path / "v.csv",
        [["企业名称", "日期", "团员"], ["常州恒远精密机械有限公司", "2021-9-3", "张三"],
         ["常州另一家科技有限公司", "2021-9-4", "张三"]],
    )  # fmt: skip
    real = services.visit_log_with_leads
    calls = []

    def failing(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise ApplicationError("模拟失败", field="date")
        return real(**kwargs)

    monkeypatch.setattr(services, "visit_log_with_leads", failing)
    ctx = ctx_for(w, w.users.admin)
    with pytest.raises(ImportRejected) as info:
        import_execute(import_preview("visits", path, ctx=ctx), ctx=ctx)
    assert info.value.errors == ["第3行: 走访日期: 模拟失败"]
    assert Visit.objects.count() == 0
    assert not AuditLog.objects.filter(source="import").exists()
    from techmayor.enterprises.models import Enterprise

    assert not Enterprise.objects.filter(name="常州另一家科技有限公司").exists()


def test_many_visits_are_written_in_bulk_with_an_audit_record_each_and_roll_back(w, ledger, monkeypatch):
    from techmayor.imports.engine import get_kind
    from techmayor.imports.services import import_rollback
    from techmayor.scorecard import rollup

    monkeypatch.setattr(get_kind("visits"), "bulk_min", 1)
    rollup.ensure_built(w.batch.pk)  # the figures are built: the import must leave them exact
    ctx = ctx_for(w, w.users.admin)
    log = import_execute(import_preview("visits", ledger, ctx=ctx), ctx=ctx)
    visits = list(Visit.objects.order_by("date"))
    assert [sorted(m.name for m in v.members.all()) for v in visits] == [["张三", "李四"], ["张三", "李四"]]
    entries = AuditLog.objects.filter(model="ledger.visit", action="create", source="import")
    assert sorted(int(e.object_id) for e in entries) == sorted(v.pk for v in visits)
    assert entries.first().after["members"] == sorted([w.zhang.pk, w.li.pk])
    assert Lead.objects.get().visit == visits[0]
    assert sorted(log.created["ledger.visit"]) == sorted(v.pk for v in visits)
    import_rollback(log=log, by=w.users.admin)
    assert not Visit.objects.exists()


def test_the_bulk_writer_records_what_the_service_records(w, ledger, monkeypatch):
    from techmayor.imports.engine import get_kind
    from techmayor.imports.services import import_rollback

    def written():
        out = []
        for visit in Visit.objects.order_by("date"):
            after = AuditLog.objects.get(model="ledger.visit", action="create", object_id=str(visit.pk)).after
            after = {k: v for k, v in after.items() if k != "id"}
            members = sorted(m.pk for m in visit.members.all())
            out.append((visit.date, visit.enterprise.name, visit.group_id, visit.note, members, after))
        return out

    ctx = ctx_for(w, w.users.admin)
    log = import_execute(import_preview("visits", ledger, ctx=ctx), ctx=ctx)
    by_service = written()
    import_rollback(log=log, by=w.users.admin)
    monkeypatch.setattr(get_kind("visits"), "bulk_min", 1)
    ctx = ctx_for(w, w.users.admin)
    import_execute(import_preview("visits", ledger, ctx=ctx), ctx=ctx)
    by_bulk = written()
    assert [row[:5] for row in by_bulk] == [row[:5] for row in by_service]
    # the same audit snapshot; the enterprise created by the first import was rolled back and made again
    assert [{**row[5], "enterprise": None} for row in by_bulk] == [{**row[5], "enterprise": None} for row in by_service]
    assert by_bulk[0][5]["enterprise"] == by_service[0][5]["enterprise"] == w.hengyuan.pk

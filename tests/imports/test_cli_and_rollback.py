import pytest
from django.core.management import CommandError, call_command

from techmayor.core.models import AuditLog
from techmayor.enterprises.models import Enterprise
from techmayor.imports.models import ImportLog
from techmayor.imports.services import can_rollback, import_execute, import_preview, import_rollback
from techmayor.ledger.models import Visit
from techmayor.needs.models import Lead
from tests.imports.conftest import csv_file, ctx_for

ROWS = [
    ["企业名称", "走访日期", "走访人员", "发现需求"],
    ["常州恒远精密机械有限公司", "2021-9-3", "张三、李四", "自动化产线改造"],
    ["常州全新科技有限公司", "2021-9-4", "李四", ""],
]


def cli(*args):
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command("import_data", "records", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_cli_previews_as_a_table_dry_runs_and_imports(w, tmp_path):
    path = str(csv_file(tmp_path / "走访.csv", ROWS))
    out, _ = cli(path, "--kind", "visits", "--batch", "14", "--city", "常州市", "--dry-run")
    assert "新增" in out and "常州全新科技有限公司" in out and "试导入" in out
    assert Visit.objects.count() == 0
    out, _ = cli(path, "--kind", "visits", "--batch", "14", "--city", "常州市", "--as", "admin")
    assert "新增 2" in out
    log = ImportLog.objects.get()
    assert (log.created_by, log.source, log.file_name, len(log.sha256)) == (w.users.admin, "cli", "走访.csv", 64)
    out, _ = cli(path, "--kind", "visits", "--batch", "14", "--city", "常州市")
    assert "新增 0" in out and "未变 2" in out


def test_cli_exits_non_zero_on_bad_rows(w, tmp_path):
    path = str(csv_file(tmp_path / "v.csv", [*ROWS, ["常州恒远精密机械有限公司", "下周", "张三", ""]]))
    with pytest.raises(CommandError, match="有 1 处错误，未写入任何数据"):
        cli(path, "--kind", "visits", "--batch", "14", "--city", "常州市")
    assert Visit.objects.count() == 0
    out, err = cli(path, "--kind", "visits", "--batch", "14", "--city", "常州市", "--skip-bad")
    assert "第4行: 走访日期: 「下周」不是有效日期" in err and "跳过 1 行" in out
    with pytest.raises(CommandError, match="须指定 --kind"):
        cli(path, "--batch", "14")


def test_an_administrator_rolls_back_a_whole_import(w, tmp_path):
    path = csv_file(tmp_path / "v.csv", ROWS)
    ctx = ctx_for(w, w.users.admin)
    log = import_execute(import_preview("visits", path, ctx=ctx), ctx=ctx)
    assert set(log.created) == {"ledger.visit", "needs.lead", "enterprises.enterprise"}
    assert not can_rollback(w.users.m_zhang, log) and not can_rollback(w.users.leader, log)
    with pytest.raises(Exception, match="只有本批次所属城市的管理员"):
        import_rollback(log=log, by=w.users.m_zhang)
    import_rollback(log=log, by=w.users.admin)
    assert Visit.objects.count() == 0 and Lead.objects.count() == 0
    assert not Enterprise.objects.filter(name="常州全新科技有限公司").exists()
    assert Enterprise.objects.filter(pk=w.hengyuan.pk).exists()
    assert AuditLog.objects.filter(action="delete", note__startswith=f"撤销导入 #{log.pk}").count() == 4
    log.refresh_from_db()
    assert log.rolled_back_by == w.users.admin and not can_rollback(w.users.admin, log)


def test_rollback_restores_what_an_import_changed(w, tmp_path):
    import datetime as dt

    from techmayor.ledger.services import visit_log

    visit = visit_log(batch=w.batch, group=w.liyang, enterprise=w.hengyuan, date=dt.date(2021, 9, 3), members=[w.zhang])
    ctx = ctx_for(w, w.users.admin)
    preview = import_preview("visits", csv_file(tmp_path / "v.csv", ROWS[:2]), ctx=ctx)
    assert preview.rows[0].action == "update" and set(preview.rows[0].changes) == {"members", "needs"}
    log = import_execute(preview, ctx=ctx)
    assert {m.name for m in visit.members.all()} == {"张三", "李四"}
    import_rollback(log=log, by=w.users.admin)
    assert [m.name for m in visit.members.all()] == ["张三"] and not Lead.objects.exists()


AGREEMENTS = [
    ["协议名称", "企业名称", "高校", "合同金额（万元）", "签订日期", "团员"],
    ["热处理工艺合作", "常州恒远精密机械有限公司", "东南大学", "99,999,999万元", "2021-10-1", "张三"],
    ["检测平台共建", "常州恒远精密机械有限公司", "东南大学", "12亿", "2021-10-2", "张三"],
    ["表面处理合作", "常州恒远精密机械有限公司", "东南大学", "80", "2021-10-3", "张三"],
]


def test_amounts_beyond_the_plausible_are_written_only_once_confirmed(w, tmp_path):
    from techmayor.cooperation.models import Agreement

    path = str(csv_file(tmp_path / "协议.csv", AGREEMENTS))
    args = (path, "--kind", "agreements", "--batch", "14", "--city", "常州市", "--as", "admin")
    # Above the ceiling (1000亿元) a row is an error, whatever is confirmed.
    with pytest.raises(CommandError, match="有 1 处错误"):
        cli(*args, "--confirm-amounts")
    del AGREEMENTS[1]
    path = str(csv_file(tmp_path / "协议.csv", AGREEMENTS))
    args = (path, *args[1:])
    with pytest.raises(CommandError, match=r"有 1 行金额超过常见金额（10亿元），未写入任何数据.*--confirm-amounts"):
        cli(*args)
    assert Agreement.objects.count() == 0
    out, _ = cli(*args, "--dry-run")
    assert "120000万元（12亿元）超过常见金额，请核对" in out
    out, _ = cli(*args, "--confirm-amounts")
    assert "新增 2" in out
    assert sorted(Agreement.objects.values_list("contract_amount_wan", flat=True)) == [80, 120000]

"""Importing targets (the import kind ``targets``, one row per group × metric) through the engine, the CLI
``techmayor targets import`` and the import pages: preview, row errors as 第N行: 字段: 原因, revisions
with a reason, nothing new on a second run, only a city administrator, and the rollback."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from techmayor.core.history import entries_of
from techmayor.imports.engine import BAD, CREATE, UNCHANGED, UPDATE, ImportContext
from techmayor.imports.models import ImportLog
from techmayor.imports.services import import_execute, import_preview, import_rollback
from techmayor.targets.models import Target
from tests.imports.conftest import xlsx

pytestmark = pytest.mark.django_db

ROWS = [
    ["常州市第十四批科技镇长团目标责任书"],
    ["支团", "指标", "单位", "目标值", "团员", "备注"],
    ["溧阳团", "走访企业", "家次", "300", "", ""],
    ["溧阳团", "走访企业（家）", "", "200家", "", ""],
    ["金坛团", "产学研专场活动", "场次", "20", "", ""],
    ["金坛团", "contract_amount_wan", "", "3,800", "", ""],
    ["全批次", "合作协议", "个", "50", "", ""],
    ["溧阳团", "走访企业", "家次", "60", "溧阳甲", ""],
]


def ctx(world, user=None):
    return ImportContext(user=user or world.users.admin, batch=world.batch)


def test_a_workbook_of_targets_is_previewed_and_imported_through_the_service(world, tmp_path):
    path = xlsx(tmp_path / "目标.xlsx", ROWS)
    preview = import_preview("targets", path, ctx=ctx(world))
    assert [p.action for p in preview.rows] == [CREATE] * 6
    import_execute(preview, ctx=ctx(world))
    found = {(t.metric, t.group and t.group.name, t.member and t.member.name): t.value for t in Target.objects.all()}
    assert found == {
        ("visits", "溧阳团", None): 300,
        ("enterprises_visited", "溧阳团", None): 200,
        ("matchmaking_events", "金坛团", None): 20,
        ("contract_amount_wan", "金坛团", None): 3800,
        ("agreements", None, None): 50,
        ("visits", "溧阳团", "溧阳甲"): 60,
    }
    again = import_preview("targets", path, ctx=ctx(world))
    assert [p.action for p in again.rows] == [UNCHANGED] * 6


def test_a_changed_value_revises_the_target_with_the_rows_reason(world, tmp_path):
    import_execute(import_preview("targets", xlsx(tmp_path / "a.xlsx", ROWS), ctx=ctx(world)), ctx=ctx(world))
    changed = [
        ROWS[1],
        ["溧阳团", "走访企业", "家次", "320", "", "区里追加"],
        ["金坛团", "产学研专场活动", "场次", "25", "", ""],
    ]
    preview = import_preview("targets", xlsx(tmp_path / "b.xlsx", changed), ctx=ctx(world))
    assert [p.action for p in preview.rows] == [UPDATE, UPDATE]
    import_execute(preview, ctx=ctx(world))
    visits = Target.objects.get(metric="visits", member=None)
    assert visits.value == 320 and entries_of(visits)[0].note == "区里追加"
    events = Target.objects.get(metric="matchmaking_events")
    assert events.value == 25 and events.reason == "按导入文件调整"


def test_bad_rows_are_named_and_nothing_is_written(world, tmp_path):
    bad = [
        ROWS[1],
        ["溧阳团", "走访企业", "", "300", "", ""],
        ["溧阳团", "喝茶", "", "3", "", ""],
        ["宜兴团", "合作协议", "", "3", "", ""],
        ["溧阳团", "合作协议", "", "0", "", ""],
        ["溧阳团", "合作协议", "", "很多", "", ""],
        ["全批次", "合作协议", "", "5", "溧阳甲", ""],
        ["金坛团", "合作协议", "", "5", "溧阳甲", ""],
        ["金坛团", "合作意向", "", "5", "", ""],
        ["金坛团", "合作意向", "", "6", "", ""],
    ]
    preview = import_preview("targets", xlsx(tmp_path / "bad.xlsx", bad), ctx=ctx(world))
    errors = preview.errors
    assert [p.action for p in preview.rows] == [BAD] * 7 + [CREATE, BAD]
    assert errors[0].startswith("第2行: 指标: 「走访企业」有多个指标（单位 家次、家）")
    assert errors[1].startswith("第3行: 指标: 「喝茶」不是成绩单上的指标")
    assert errors[2].startswith("第4行: 支团: 「宜兴团」不是")
    assert errors[3] == "第5行: 目标值: 须大于0：0" and errors[4] == "第6行: 目标值: 「很多」不是数字"
    assert errors[5] == "第7行: 团员: 团员目标须写明所在支团"
    assert errors[6] == "第8行: 团员: 「溧阳甲」不在金坛团任职"
    assert errors[7].startswith("第10行: 支团: 与第9行重复")
    with pytest.raises(Exception, match="8 处错误"):
        import_execute(preview, ctx=ctx(world))
    assert not Target.objects.exists()


@pytest.mark.parametrize("who", ["leader", "gl_ly", "m_ly", "ds_jt"])
def test_only_a_city_administrator_imports_targets(world, tmp_path, who):
    with pytest.raises(Exception, match="权限"):
        import_preview("targets", xlsx(tmp_path / "t.xlsx", ROWS), ctx=ctx(world, getattr(world.users, who)))


def cli(*args):
    out, err = StringIO(), StringIO()
    call_command("targets", "import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_line_import_dry_runs_imports_and_is_rolled_back(world, tmp_path):
    path = str(xlsx(tmp_path / "目标.xlsx", ROWS))
    out, _ = cli(path, "--batch", "14", "--city", "常州市", "--dry-run")
    assert "新增 6" in out and "试导入" in out and not Target.objects.exists()
    out, _ = cli(path, "--batch", "14", "--city", "常州市", "--as", "admin")
    assert "导入完成" in out and Target.objects.count() == 6
    log = ImportLog.objects.get(kind="targets")
    assert (log.source, log.created_by, log.created_count) == ("cli", world.users.admin, 6)
    out, _ = cli(path, "--batch", "14", "--city", "常州市")
    assert "未变 6" in out
    with pytest.raises(CommandError, match="权限"):
        cli(path, "--batch", "14", "--city", "常州市", "--as", "leader")
    with pytest.raises(CommandError, match="批次不存在"):
        cli(path, "--batch", "3", "--city", "常州市")
    import_rollback(log=log, by=world.users.admin)
    assert not Target.objects.exists()


def test_the_import_page_offers_the_kind_to_an_administrator(client, world, tmp_path):
    client.force_login(world.users.admin)
    page = client.get(reverse("imports:index")).content.decode()
    assert 'value="targets"' in page

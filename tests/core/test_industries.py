import json

import pytest

from techmayor import data
from techmayor.core.files import open_file
from techmayor.core.industries import industry_by_code, load_industries
from techmayor.core.models import AuditLog, Industry


@pytest.fixture
def gbt_file():
    return data.INDUSTRIES


@pytest.mark.django_db
def test_full_load_keeps_every_row_and_links_parents(gbt_file):
    with open_file(gbt_file, "r", encoding="utf-8") as fh:
        raw = json.load(fh)
    assert len(raw) == 1772
    created = load_industries(gbt_file)
    # The file's 1,772 rows (one 中类 "374 飞机制造" is really 小类 3741) plus the 199 中类
    # that the transcription folded into their only 小类.
    assert created == Industry.objects.count() == 1971
    counts = {lvl: Industry.objects.filter(level=lvl).count() for lvl in (1, 2, 3, 4)}
    assert counts == {1: 20, 2: 97, 3: 473, 4: 1381}
    assert {r["code"] for r in raw} <= set(Industry.objects.values_list("code", flat=True))

    small = industry_by_code("3841")
    assert small.parent.code == "384"
    assert small.parent.parent.code == "38"
    assert small.parent.parent.parent.code == "C"
    assert small.parent.parent.parent.parent is None
    assert small.section == "C" and small.level == 4

    # Every row hangs under the level just above it.
    assert not Industry.objects.filter(level=1, parent__isnull=False).exists()
    for level in (2, 3, 4):
        assert not Industry.objects.filter(level=level, parent__isnull=True).exists()
        assert not Industry.objects.filter(level=level).exclude(parent__level=level - 1).exists()

    assert industry_by_code("3741").name == "飞机制造"
    assert industry_by_code("374").name == "航空、航天器及设备制造"
    assert industry_by_code("019").name == industry_by_code("0190").name == "其他农业"
    assert industry_by_code("38").name == "电气机械和器材制造业"  # trailing space trimmed
    assert industry_by_code("C3841") == small
    assert industry_by_code("9999") is None


@pytest.mark.django_db
def test_load_is_idempotent_with_one_summary_audit(gbt_file):
    load_industries(gbt_file)
    logs = AuditLog.objects.filter(model="core.industry")
    assert logs.count() == 1
    log = logs.get()
    assert log.action == "import" and log.after["created"] == 1971
    assert load_industries(gbt_file) == 0
    assert Industry.objects.count() == 1971
    assert logs.count() == 1


@pytest.mark.django_db
def test_an_uncompressed_copy_loads_the_same(tmp_path):
    plain = tmp_path / "gbt4754_2017.json"
    with open_file(data.INDUSTRIES, "r", encoding="utf-8") as fh:
        plain.write_text(fh.read(), encoding="utf-8")
    assert load_industries(plain) == 1971
    assert load_industries() == 0


@pytest.mark.django_db
def test_management_command(capsys):
    from django.core.management import call_command

    call_command("load_industries")
    assert "新建 1971 条" in capsys.readouterr().out
    assert AuditLog.objects.get(model="core.industry").source == "cli"

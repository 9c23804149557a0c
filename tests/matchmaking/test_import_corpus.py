"""``techmayor import corpus FILE.jsonl --kind paper|patent|offer``."""

from __future__ import annotations

import gzip
import io
import json

import pytest
from django.core.management import CommandError, call_command

from techmayor import data
from techmayor.core.errors import ApplicationError
from techmayor.core.files import ImportRejected
from techmayor.core.models import AuditLog
from techmayor.matchmaking.importers import import_corpus
from techmayor.resources.models import Achievement

pytestmark = pytest.mark.django_db

PAPERS = [
    {
        "id": "csl-1",
        "title": "锂离子电池容量衰减机理",
        "abstract": "分析了循环过程中的容量衰减。",
        "keywords": ["锂离子电池", "容量衰减"],
        "discipline": "材料科学与工程",
        "category": "工学",
    },
    {"id": "csl-2", "title": "水稻直播栽培技术", "abstract": "", "keywords": "水稻;直播", "category": "农学"},
    {"id": "csl-3", "title": "印染废水的组合处理", "text": "混凝与芬顿氧化。", "keywords": []},
]


def write(path, rows) -> str:
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8"
    )
    return str(path)


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_data", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_keeps_external_ids_and_fields(tmp_path):
    out, _ = run("corpus", write(tmp_path / "p.jsonl", PAPERS), "--kind", "paper")
    assert "新增 3 条" in out
    a = Achievement.objects.get(kind="paper", external_id="csl-1")
    assert (a.title, a.discipline, a.category, a.keywords) == (
        "锂离子电池容量衰减机理",
        "材料科学与工程",
        "工学",
        ["锂离子电池", "容量衰减"],
    )
    assert Achievement.objects.get(external_id="csl-2").keywords == ["水稻", "直播"]
    assert Achievement.objects.get(external_id="csl-3").abstract == "混凝与芬顿氧化。"


def test_patents_keep_ipc(tmp_path):
    rows = [{"id": "CN1A", "title": "一种锂电池液冷装置", "ipc": ["H01M", "F28D"]}]
    run("corpus", write(tmp_path / "pt.jsonl", rows), "--kind", "patent")
    assert Achievement.objects.get(kind="patent", external_id="CN1A").ipc == ["H01M", "F28D"]


def test_import_is_idempotent_and_audited_once_per_run(tmp_path):
    path = write(tmp_path / "p.jsonl", PAPERS)
    run("corpus", path, "--kind", "paper")
    assert AuditLog.objects.filter(model="resources.achievement").count() == 1
    log = AuditLog.objects.get(model="resources.achievement")
    assert (log.action, log.source, log.after["created"]) == ("import", "import", 3)
    stamps = dict(Achievement.objects.values_list("external_id", "updated_at"))

    out, _ = run("corpus", path, "--kind", "paper")
    assert "新增 0 条，更新 0 条，未变 3 条" in out
    assert dict(Achievement.objects.values_list("external_id", "updated_at")) == stamps  # untouched

    changed = [dict(PAPERS[0], title="锂离子电池容量衰减机理研究"), *PAPERS[1:]]
    out, _ = run("corpus", write(tmp_path / "p2.jsonl", changed), "--kind", "paper")
    assert "新增 0 条，更新 1 条，未变 2 条" in out
    assert Achievement.objects.get(external_id="csl-1").title == "锂离子电池容量衰减机理研究"
    assert Achievement.objects.count() == 3
    assert AuditLog.objects.filter(model="resources.achievement", action="import").count() == 3


def test_same_id_under_another_kind_is_another_record(tmp_path):
    path = write(tmp_path / "p.jsonl", PAPERS[:1])
    run("corpus", path, "--kind", "paper")
    run("corpus", path, "--kind", "offer")
    assert Achievement.objects.filter(external_id="csl-1").count() == 2


BAD = [
    json.dumps(PAPERS[0], ensure_ascii=False),
    "{not json",
    json.dumps({"title": "没有编号"}, ensure_ascii=False),
    json.dumps({"id": "x-1", "title": ""}),
    "[1, 2]",
    json.dumps(PAPERS[1], ensure_ascii=False),
    json.dumps(dict(PAPERS[1], title="重复"), ensure_ascii=False),
]


def test_bad_lines_are_reported_by_number_and_nothing_is_written(tmp_path):
    path = write(tmp_path / "bad.jsonl", BAD)
    with pytest.raises(ImportRejected) as exc:
        import_corpus(path, kind="paper")
    errors = exc.value.errors
    assert [e.split(":")[0] for e in errors] == ["第2行", "第3行", "第4行", "第5行", "第7行"]
    assert "JSON" in errors[0] and "缺少 id" in errors[1] and "缺少 title" in errors[2]
    assert "与第6行重复" in errors[4]
    assert not Achievement.objects.exists()

    with pytest.raises(CommandError, match="5 处错误"):
        run("corpus", path, "--kind", "paper")
    assert not Achievement.objects.exists()


def test_skip_bad_writes_the_good_lines(tmp_path):
    path = write(tmp_path / "bad.jsonl", BAD)
    out, err = run("corpus", path, "--kind", "paper", "--skip-bad")
    assert "新增 2 条" in out and "跳过 5 行" in out
    assert "第2行: " in err and "第7行: " in err
    assert set(Achievement.objects.values_list("external_id", flat=True)) == {"csl-1", "csl-2"}


def test_kind_option_is_required_for_corpus_only(tmp_path):
    path = write(tmp_path / "p.jsonl", PAPERS)
    with pytest.raises(CommandError, match="--kind"):
        run("corpus", path)
    with pytest.raises(CommandError):
        run("corpus", path, "--kind", "book")
    with pytest.raises(CommandError, match="不支持 --kind"):
        run("universities", path, "--kind", "paper")


def test_ten_thousand_records_import_quickly(tmp_path):
    import time

    rows = [{"id": f"p-{i}", "title": f"第{i}号成果的标题", "keywords": ["a", "b"]} for i in range(10_000)]
    path = write(tmp_path / "big.jsonl", rows)
    t0 = time.perf_counter()
    result = import_corpus(path, kind="paper")
    assert result.created == 10_000
    assert time.perf_counter() - t0 < 30  # a few seconds normally; generous for a loaded machine
    assert AuditLog.objects.filter(model="resources.achievement").count() == 1


def test_a_damaged_compressed_file_is_refused_in_chinese(tmp_path):
    path = tmp_path / "papers.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"id": "p1", "title": "x"}\n')[:-12])
    with pytest.raises(ApplicationError, match="压缩文件已损坏"):
        import_corpus(path, kind="paper")
    assert not Achievement.objects.exists()


def test_real_corpora_import():
    result = import_corpus(data.PATENTS, kind="patent")
    assert result.created > 9000 and not result.errors


def test_text_is_cleaned_as_forms_clean_it_and_formula_titles_are_refused(tmp_path):
    rows = [
        {"id": "nul-1", "title": "锂电池\x00低温\u200b性能", "abstract": "零下\x00十度", "keywords": ["电解液\x00"]},
        {"id": "evil-1", "title": "=cmd|' /C calc'!A0"},
        {"id": "ok-1", "title": "-40℃低温电池"},
    ]
    path = write(tmp_path / "c.jsonl", rows)
    with pytest.raises(ImportRejected) as exc:
        import_corpus(path, kind="paper")
    assert exc.value.errors == ["第2行: title 不能以「=」开头（会被电子表格当作公式）"]
    import_corpus(path, kind="paper", skip_bad=True)
    stored = Achievement.objects.get(external_id="nul-1")
    assert (stored.title, stored.abstract, stored.keywords) == ("锂电池低温性能", "零下十度", ["电解液"])
    assert Achievement.objects.filter(external_id="ok-1").exists()
    assert not Achievement.objects.filter(external_id="evil-1").exists()

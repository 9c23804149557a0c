"""The corpus import at scale: two streaming passes, batches, one transaction, bounded memory, the
index following the import, and the import as a background job."""

from __future__ import annotations

import io
import json
import tracemalloc

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from techmayor.core.errors import ApplicationError
from techmayor.core.files import ImportRejected
from techmayor.core.models import AuditLog, Job, JobStatus
from techmayor.matchmaking import importers, services
from techmayor.matchmaking.importers import import_corpus
from techmayor.resources.models import Achievement
from tests.needs.world import build_world

from .test_import_corpus import PAPERS, write

pytestmark = pytest.mark.django_db


def lines(n: int, start: int = 0, prefix: str = "p") -> list[dict]:
    return [
        {"id": f"{prefix}-{i}", "title": f"第{i}号成果 锂电池低温性能", "abstract": "摘要。" * 20, "keywords": ["电池"]}
        for i in range(start, start + n)
    ]


@pytest.fixture
def small_batches(monkeypatch):
    """Batches of 3 lines, so a handful of lines crosses several batches."""
    monkeypatch.setattr(importers, "BATCH", 3)


def test_lines_across_batches_are_written_once_and_updated_in_place(tmp_path, small_batches):
    path = write(tmp_path / "p.jsonl", lines(10))
    result = import_corpus(path, kind="paper")
    assert (result.created, result.updated, result.unchanged) == (10, 0, 0)
    stored = Achievement.objects.get(external_id="p-7")
    assert (stored.kind, stored.keywords, stored.is_demo) == ("paper", ["电池"], False)
    assert stored.created_at and stored.updated_at and stored.created_by is None

    changed = lines(12)
    changed[4]["title"] = "第4号成果 改写的标题"
    result = import_corpus(write(tmp_path / "p2.jsonl", changed), kind="paper")
    assert (result.created, result.updated, result.unchanged) == (2, 1, 9)
    assert Achievement.objects.get(external_id="p-4").title == "第4号成果 改写的标题"
    assert Achievement.objects.count() == 12
    assert AuditLog.objects.filter(model="resources.achievement", action="import").count() == 2


def test_a_failure_while_writing_leaves_nothing(tmp_path, small_batches, monkeypatch):
    path = write(tmp_path / "p.jsonl", lines(10))
    original = importers._Writer.write
    calls = []

    def failing(self, batch):
        calls.append(len(batch))
        if len(calls) == 3:  # two batches are already in the table
            raise ApplicationError("磁盘已满")
        return original(self, batch)

    monkeypatch.setattr(importers._Writer, "write", failing)
    with pytest.raises(ApplicationError, match="磁盘已满"):
        import_corpus(path, kind="paper")
    assert len(calls) == 3
    assert not Achievement.objects.exists()
    assert not AuditLog.objects.filter(model="resources.achievement").exists()


def test_repeats_far_apart_are_found_and_hash_collisions_are_not_repeats(tmp_path, monkeypatch):
    rows = lines(8)
    rows.append(dict(rows[1], title="重复的编号"))  # line 9 repeats line 2
    path = write(tmp_path / "p.jsonl", rows)
    monkeypatch.setattr(importers, "hash", lambda value: 42, raising=False)  # every id collides
    with pytest.raises(ImportRejected) as exc:
        import_corpus(path, kind="paper")
    assert exc.value.errors == ["第9行: id「p-1」与第2行重复"]
    result = import_corpus(path, kind="paper", skip_bad=True)
    assert (result.created, result.skipped) == (8, 1)
    assert Achievement.objects.get(external_id="p-1").title == "第1号成果 锂电池低温性能"  # the first one


def test_many_bad_lines_are_counted_and_the_first_listed(tmp_path, monkeypatch):
    monkeypatch.setattr(importers, "ERRORS_KEPT", 5)
    rows = [*lines(3), *["{broken"] * 20, json.dumps({"id": "p-0", "title": "重复"}, ensure_ascii=False)]
    path = write(tmp_path / "bad.jsonl", rows)
    with pytest.raises(ImportRejected) as exc:
        import_corpus(path, kind="paper")
    assert "21 处错误" in exc.value.message
    assert [e.split(":")[0] for e in exc.value.errors[:5]] == ["第4行", "第5行", "第6行", "第7行", "第8行"]
    assert exc.value.errors[5] == "……另有 16 行错误未列出"
    result = import_corpus(path, kind="paper", skip_bad=True)
    assert (result.created, result.skipped) == (3, 21)


def test_an_undecodable_file_is_refused_in_chinese(tmp_path):
    path = tmp_path / "gbk.jsonl"
    path.write_bytes(json.dumps({"id": "g-1", "title": "锂电池"}, ensure_ascii=False).encode("gbk") + b"\n")
    with pytest.raises(ApplicationError, match="不是 UTF-8 编码的文本（第1行）"):
        import_corpus(path, kind="paper")


def test_a_byte_order_mark_and_blank_lines_are_fine(tmp_path):
    path = tmp_path / "bom.jsonl"
    body = "\n\n".join(json.dumps(r, ensure_ascii=False) for r in PAPERS)
    path.write_text("\ufeff" + body + "\n\n", encoding="utf-8")
    assert import_corpus(path, kind="paper").created == 3


def _peak(path, kind) -> int:
    tracemalloc.start()
    try:
        import_corpus(path, kind=kind)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_is_bounded_by_the_batch_not_the_file(tmp_path, monkeypatch):
    """Four times the lines, about the same peak: only a batch (and 16 bytes a line) is held."""
    monkeypatch.setattr(importers, "BATCH", 500)
    small = write(tmp_path / "small.jsonl", lines(2_000, prefix="s"))
    large = write(tmp_path / "large.jsonl", lines(8_000, prefix="l"))
    _peak(small, "offer")  # first-use caches (the width table, Django's) outside the comparison
    peak_small, peak_large = _peak(small, "paper"), _peak(large, "patent")
    file_size = (tmp_path / "large.jsonl").stat().st_size
    assert peak_large < 1.5 * peak_small + 8_000 * 16, (peak_small, peak_large)
    assert peak_large < file_size / 2, (peak_large, file_size)


class Recorder:
    """A job's :class:`~techmayor.core.jobs.Progress` as the importer sees it."""

    def __init__(self):
        self.stages, self.totals, self.done = [], [], []

    def stage(self, message):
        self.stages.append(message)

    def total(self, n):
        self.totals.append(n)

    def __call__(self, done):
        self.done.append(done)


def test_progress_reaches_the_job_for_each_pass(tmp_path, small_batches):
    path = write(tmp_path / "p.jsonl", lines(10))
    recorder = Recorder()
    import_corpus(path, kind="paper", report=recorder, progress=False)
    assert recorder.stages == ["正在校验 p.jsonl", "正在写入 p.jsonl"]
    size = (tmp_path / "p.jsonl").stat().st_size
    assert recorder.totals == [size, 10]
    assert recorder.done[-1] == 10 and size in recorder.done


def test_the_command_draws_a_bar_on_a_terminal(tmp_path, monkeypatch):
    path = write(tmp_path / "p.jsonl", lines(5))
    err = io.StringIO()
    import_corpus(path, kind="paper", progress=True)  # forced on: the bar goes to sys.stderr
    monkeypatch.setattr("sys.stderr", err)
    import_corpus(write(tmp_path / "q.jsonl", lines(5, start=5)), kind="paper", progress=True)
    drawn = err.getvalue()
    assert "正在校验 q.jsonl" in drawn and "正在写入 q.jsonl" in drawn and "5/5" in drawn


# ---------------------------------------------------------------- the index follows


def _manifest(index_dir):
    return (index_dir / "manifest.json").stat().st_mtime_ns


def test_new_results_are_findable_without_a_rebuild(pool, tmp_path, index_dir, small_batches):
    services.matching_index_build()
    built = _manifest(index_dir)
    rows = [
        {"id": "n-1", "title": "一种高粱酿酒用的蒸馏装置", "keywords": ["高粱", "酿酒"]},
        *lines(7, prefix="x"),
    ]
    out = io.StringIO()
    call_command("import_data", "corpus", write(tmp_path / "new.jsonl", rows), "--kind", "paper", stdout=out)
    assert "新增 8 条" in out.getvalue() and "匹配索引已增量更新" in out.getvalue()
    assert _manifest(index_dir) == built  # not rebuilt
    matcher = services.matcher_get()
    assert matcher.index.pending_changes == 8
    assert matcher.search("高粱酿酒蒸馏", k=1)[0].id == "n-1"

    # an unchanged re-import gives the index nothing to do
    out = io.StringIO()
    call_command("import_data", "corpus", str(tmp_path / "new.jsonl"), "--kind", "paper", stdout=out)
    assert "匹配索引" not in out.getvalue()
    assert services.matcher_get().index.pending_changes == 8


def test_an_import_past_the_deltas_room_rebuilds_the_index(pool, tmp_path, index_dir, monkeypatch, small_batches):
    services.matching_index_build()
    monkeypatch.setattr(services, "COMPACT_MIN", 5)
    assert services.achievement_index_room() == 5
    result = import_corpus(write(tmp_path / "many.jsonl", lines(9)), kind="paper")
    assert result.index == "rebuilt" and "匹配索引已重建" in result.summary()
    matcher = services.matcher_get()
    assert matcher.index.pending_changes == 0 and len(matcher.index) == 39


def test_without_an_index_nothing_is_kept_for_it(tmp_path):
    assert services.achievement_index_room() is None
    result = import_corpus(write(tmp_path / "p.jsonl", lines(4)), kind="paper")
    assert result.index == "none" and not services.index_exists()


# ---------------------------------------------------------------- as a job


def test_the_import_runs_as_a_job_with_progress(tmp_path, django_capture_on_commit_callbacks):
    world = build_world()
    path = write(tmp_path / "p.jsonl", lines(6))
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_data", "corpus", path, "--kind", "paper", "--background", stdout=out)
    job = Job.objects.get(kind=services.CORPUS_JOB)
    assert f"已提交后台任务 #{job.pk}" in out.getvalue()
    assert job.status == JobStatus.DONE, job.message
    assert job.total == 6 and job.done == 6
    assert job.message.startswith("导入完成：新增 6 条")
    assert Achievement.objects.count() == 6

    client = Client()
    client.force_login(world.users["admin"])
    html = client.get(reverse("matchmaking:index")).content.decode()
    assert "导入科技成果" in html and 'data-status="done"' in html
    fragment = client.get(reverse("matchmaking:job", args=[job.pk]))
    assert fragment.status_code == 200
    client.force_login(world.users["member"])
    assert client.get(reverse("matchmaking:job", args=[job.pk])).status_code == 403


def test_a_rejected_job_names_the_first_bad_lines(tmp_path, django_capture_on_commit_callbacks):
    path = write(tmp_path / "bad.jsonl", [*lines(2), "{broken"])
    with django_capture_on_commit_callbacks(execute=True):
        job = services.corpus_import_submit(path=path, kind="paper")
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "1 处错误，未写入任何数据" in job.message and "第3行" in job.message
    assert not Achievement.objects.exists()


def test_a_job_needs_a_known_kind_and_an_existing_file(tmp_path):
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("import_data", "corpus", str(tmp_path / "none.jsonl"), "--kind", "paper", "--background")
    with pytest.raises(ApplicationError, match="成果类型"):
        services.corpus_import_submit(path=write(tmp_path / "p.jsonl", lines(1)), kind="book")
    with pytest.raises(CommandError, match="不支持 --background"):
        call_command("import_data", "universities", str(tmp_path / "p.jsonl"), "--background")
    assert not Job.objects.exists()


def test_a_bulk_load_refreshes_the_planner_statistics(tmp_path, monkeypatch):
    from django.db import connection

    monkeypatch.setattr(importers, "ANALYZE_AFTER", 5)
    calls = []
    monkeypatch.setattr(importers, "_analyze", lambda: calls.append(connection.vendor))
    import_corpus(write(tmp_path / "few.jsonl", lines(4)), kind="paper")
    assert calls == []
    import_corpus(write(tmp_path / "many.jsonl", lines(6, prefix="m")), kind="paper")
    assert calls == [connection.vendor]


def test_analyze_runs_on_this_database():
    importers._analyze()  # no error on SQLite or PostgreSQL

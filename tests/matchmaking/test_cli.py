"""The command-line contract: ``match index``, ``match batch`` and ``match eval``."""

from __future__ import annotations

import io
import re
from collections import defaultdict
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from techmayor import data
from techmayor.matchmaking import services
from techmayor.resources.models import Expert, University

from .conftest import QUERIES, write_qrels, write_queries

pytestmark = pytest.mark.django_db

# A plainer wording of the dev needs, written by hand (bench/data/README.md)
PLAIN_WORDING = Path(__file__).resolve().parents[2] / "bench" / "data" / "needs_dev_plain.tsv"

TREC = re.compile(r"^(?P<qid>\S+) Q0 (?P<id>\S+) (?P<rank>\d+) (?P<score>-?\d+\.\d{6}) techmayor$")


def match(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("match", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def batch(tmp_path, *extra) -> list[re.Match]:
    out, _ = match("batch", "--queries", write_queries(tmp_path / "q.tsv"), *extra)
    lines = out.splitlines()
    parsed = [TREC.match(line) for line in lines]
    assert all(parsed), [line for line, m in zip(lines, parsed, strict=True) if not m]
    return parsed


def by_query(parsed) -> dict[str, list[re.Match]]:
    groups = defaultdict(list)
    for m in parsed:
        groups[m["qid"]].append(m)
    return groups


def test_index_builds_into_the_configured_directory(pool, index_dir):
    out, _ = match("index")
    assert "30 条成果" in out and "已评估 0 项需求" in out
    assert (index_dir / "manifest.json").is_file()


def test_index_assesses_every_need(pool, index_dir):
    from techmayor.matchmaking.models import NeedMatch
    from techmayor.needs.models import Need
    from tests.needs.world import build_world

    build_world()
    needs = Need.objects.count()
    assert needs > 0
    out, _ = match("index")
    assert f"已评估 {needs} 项需求" in out
    assert NeedMatch.objects.count() == needs


def test_batch_achievements_format_k_and_ranks(pool, tmp_path):
    match("index")
    parsed = batch(tmp_path, "--k", "3", "--target", "achievements", "--format", "trec")
    groups = by_query(parsed)
    assert set(groups) == {q for q, _, _ in QUERIES}
    for lines in groups.values():
        assert 1 <= len(lines) <= 3
        assert [int(m["rank"]) for m in lines] == list(range(1, len(lines) + 1))
        scores = [float(m["score"]) for m in lines]
        assert scores == sorted(scores, reverse=True)
    # the right answer comes first for these clear needs
    assert {qid: lines[0]["id"] for qid, lines in groups.items()} == {q: doc for q, _, doc in QUERIES}


def test_batch_experts_by_primary_key_and_universities_by_code(pool, tmp_path):
    experts, universities = pool
    match("index")
    parsed = batch(tmp_path, "--k", "2", "--target", "experts")
    assert parsed and all(len(g) <= 2 for g in by_query(parsed).values())
    pks = {str(pk) for pk in Expert.objects.values_list("pk", flat=True)}
    assert {m["id"] for m in parsed} <= pks
    assert by_query(parsed)["Q1"][0]["id"] == str(experts["E1"].pk)

    parsed = batch(tmp_path, "--k", "4", "--target", "universities")
    codes = set(University.objects.values_list("code", flat=True))
    assert parsed and {m["id"] for m in parsed} <= codes
    assert all(len(g) <= 4 for g in by_query(parsed).values())
    assert by_query(parsed)["Q3"][0]["id"] == universities["U2"].code


def test_batch_builds_the_index_when_missing(pool, tmp_path, index_dir):
    assert not index_dir.exists()
    out, err = match("batch", "--queries", write_queries(tmp_path / "q.tsv"), "--k", "1")
    assert "尚无匹配索引" in err
    assert len(out.splitlines()) == len(QUERIES)
    assert (index_dir / "manifest.json").is_file()


def test_batch_rejects_a_file_without_the_header(pool, tmp_path):
    path = tmp_path / "q.tsv"
    path.write_text("Q1\t电池\n", encoding="utf-8")
    with pytest.raises(CommandError, match="qid<TAB>need"):
        match("batch", "--queries", str(path))


def test_batch_on_an_empty_pool_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="import corpus"):
        match("batch", "--queries", write_queries(tmp_path / "q.tsv"))


def test_eval_prints_both_systems_and_their_ratio(pool, tmp_path):
    out, _ = match("eval", "--queries", write_queries(tmp_path / "q.tsv"), "--qrels", write_qrels(tmp_path / "q.qrels"))
    lines = out.splitlines()
    assert lines[0] == f"{len(QUERIES)} needs ({len(QUERIES)} judged), 30 achievements, k=50"
    assert lines[1].split() == ["system", "ndcg@10", "mrr@10", "recall@10", "recall@50"]
    number = r"\d\.\d{4}"
    assert re.fullmatch(rf"baseline\s+{number}\s+{number}\s+{number}\s+{number}", lines[3])
    assert re.fullmatch(rf"engine\s+{number}\s+{number}\s+{number}\s+{number}", lines[4])
    assert re.fullmatch(r"engine / baseline(\s+(\d+\.\d{2}|nan)×){4}", lines[5])
    engine = [float(x) for x in lines[4].split()[1:]]
    assert engine[0] == pytest.approx(1.0)  # each clear need finds its achievement first
    routing = re.fullmatch(
        r"routing: the relevant document's discipline is in the need's top 3 for (\d+) of (\d+) needs"
        r" \((\d+\.\d)%\); (\d+) judged needs' documents have no discipline \(patents\)",
        lines[6],
    )
    assert routing, lines[6]
    hit, total, _, unlabelled = (float(x) for x in routing.groups())
    assert total + unlabelled == len(QUERIES) and hit == total  # the test needs are clear


def test_incremental_sync_after_an_import(pool, tmp_path):
    match("index")
    path = tmp_path / "new.jsonl"
    path.write_text('{"id": "n-1", "title": "一种高粱酿酒用的蒸馏装置", "ipc": ["C12G"]}\n', encoding="utf-8")
    call_command("import_data", "corpus", str(path), "--kind", "patent", stdout=io.StringIO())
    matcher = services.matcher_get()
    assert matcher.index.pending_changes == 1
    assert matcher.search("高粱酿酒蒸馏", k=1)[0].id == "n-1"
    out, _ = match("index")  # compaction
    assert "31 条成果" in out
    assert services.matcher_get().index.pending_changes == 0


@pytest.mark.shared
def test_eval_on_the_shared_dev_set(eval_dir, tmp_path):
    for path, kind in ((data.PAPERS, "paper"), (data.PATENTS, "patent")):
        call_command("import_data", "corpus", str(path), "--kind", kind, stdout=io.StringIO())
    qrels = str(eval_dir / "needs_dev.qrels")
    for queries in (eval_dir / "needs_dev.tsv", PLAIN_WORDING):
        out, _ = match("eval", "--queries", str(queries), "--qrels", qrels)
        rows = {line.split()[0]: line.split()[1:] for line in out.splitlines()[3:5]}
        assert float(rows["engine"][0]) >= float(rows["baseline"][0])  # nDCG@10
        hit, total = (int(x) for x in re.search(r"top 3 for (\d+) of (\d+) needs", out).groups())
        assert total == 40 and hit / total >= 0.9  # the 40 needs whose document is a paper

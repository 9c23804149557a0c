"""The index: bm25s-compatible scores, persistence, incremental updates."""

from __future__ import annotations

import json

import bm25s
import numpy as np
import pytest

from techmayor.matching.index import BM25Params, MatchIndex, build_index, iter_lines, normalize_record
from techmayor.matching.ranker import Matcher

from .conftest import records


def _top(matcher: Matcher, text: str, k: int = 3) -> list[str]:
    return [h.id for h in matcher.search(text, k=k, explain=False)]


def test_scores_equal_bm25s_lucene(tmp_path):
    """The chunked builder computes exactly what bm25s.BM25.index computes."""
    recs = records()
    index = build_index(recs, tmp_path / "ix", params=BM25Params(k1=1.5, b=0.75), chunk_size=7)
    toks = [index.analyzer.analyze(r["title"]).words for r in recs]
    ref = bm25s.BM25(k1=1.5, b=0.75, method="lucene")
    ref.index(toks, show_progress=False)
    for term in ["电池", "锂离子", "装置", "水稻", "废水"]:
        expected = ref.get_scores([term])
        got = np.zeros(index.n_rows, dtype=np.float32)
        index.accumulate(got, "title", {term: 1.0})
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_save_load_without_retokenising(tmp_path, monkeypatch):
    m = Matcher.build(records(), tmp_path / "ix")
    before = _top(m, "印染废水COD处理")
    # loading must not analyse documents again
    import techmayor.matching.index as ix

    monkeypatch.setattr(ix, "_analyse_chunk", lambda *a, **k: pytest.fail("re-tokenised on load"))
    loaded = Matcher.load(tmp_path / "ix")
    assert isinstance(loaded.index.fields["title"].scores["data"], np.ndarray)
    assert _top(loaded, "印染废水COD处理") == before
    assert len(loaded.index) == len(records())
    assert loaded.index.meta(loaded.index.find_row("c-6")).title == "一种多根管道同时固定的管卡"


def test_missing_index_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        MatchIndex.load(tmp_path / "nothing")


def test_add_update_remove_then_search(fresh_matcher, tmp_path):
    m = fresh_matcher
    idx = m.index
    new = {
        "external_id": "p-new",
        "kind": "paper",
        "title": "钙钛矿太阳能电池的稳定性研究",
        "abstract": "钙钛矿薄膜在湿热环境下分解,封装可以提高稳定性.",
        "keywords": ["钙钛矿", "太阳能电池"],
        "expert_ids": ["E99"],
        "university_id": "U99",
    }
    idx.upsert([new])
    assert _top(m, "钙钛矿电池不稳定")[0] == "p-new"
    assert "p-new" in idx and len(idx) == len(records()) + 1

    # update an existing (main-segment) record: the old text no longer matches
    changed = dict(
        records()[4], title="一种石墨烯涂层防腐方法", abstract="石墨烯涂层提高钢材耐腐蚀性.", keywords=["石墨烯"]
    )
    idx.upsert([changed])
    assert "p-water" not in _top(m, "印染废水芬顿氧化", k=5)
    assert _top(m, "石墨烯防腐涂层")[0] == "p-water"
    assert len(idx) == len(records()) + 1

    # remove from the main segment and from the delta
    assert idx.remove(["p-fish", "p-new", "no-such-id"]) == 2
    assert "p-fish" not in _top(m, "鲤鲫杂交鱼苗培育", k=10)
    assert "p-new" not in _top(m, "钙钛矿电池不稳定", k=10)
    assert len(idx) == len(records()) - 1

    # the changes are on disk: a second process sees them
    other = Matcher.load(idx.directory)
    assert "p-fish" not in other.index and other.index.find_row("p-water") is not None
    assert _top(other, "石墨烯防腐涂层")[0] == "p-water"
    idx.upsert([records()[3]])  # bring the fish paper back
    assert other.index.refresh()
    assert _top(other, "鲤鲫杂交鱼苗培育")[0] == "p-fish"

    # compaction folds delta and tombstones into a new main segment
    by_id = {r["external_id"]: r for r in records()}
    by_id["p-water"] = changed
    assert not other.index.rebuilt_since_load()
    compacted = idx.compact(lambda ids: [by_id[i] for i in ids])
    assert compacted.pending_changes == 0
    assert len(compacted) == len(records())
    assert _top(Matcher(compacted, m.classifier), "石墨烯防腐涂层")[0] == "p-water"
    assert other.index.rebuilt_since_load()
    reloaded = other.reloaded()
    assert reloaded.index.pending_changes == 0
    assert reloaded.classifier is not None  # the classifier survives a rebuild


def test_repeated_external_ids_keep_the_first(tmp_path):
    recs = [*records()[:5], dict(records()[0], title="重复的记录 钙钛矿")]
    m = Matcher.build(recs, tmp_path / "ix")
    assert len(m.index) == 5
    assert _top(m, "钙钛矿") == []


def test_records_may_be_json_lines_or_a_callable(tmp_path):
    path = tmp_path / "corpus.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records()) + "\n", encoding="utf-8")
    idx = build_index(lambda: iter_lines(path), tmp_path / "ix", workers=2, chunk_size=8)
    assert len(idx) == len(records())
    assert idx.meta(idx.find_row("c-7")).ipc == ["H04L"]


def test_normalize_record_accepts_corpus_shape():
    r = normalize_record({"id": "CN1", "title": "t", "ipc": ["A01B"], "text": "abs", "keywords": "a；b,c"})
    assert r["external_id"] == "CN1" and r["kind"] == "patent" and r["abstract"] == "abs"
    assert r["keywords"] == ["a", "b", "c"]
    with pytest.raises(ValueError):
        normalize_record({"title": "no id"})


def test_holding_agrees_with_the_postings_in_main_and_delta_rows(fresh_matcher):
    from techmayor.matching.index import WORD_FIELDS

    idx = fresh_matcher.index
    idx.upsert([{"external_id": "p-new", "kind": "paper", "title": "钙钛矿太阳能电池", "abstract": "封装提高稳定性"}])
    rows = np.arange(idx.n_rows)
    terms = ["电池", "钙钛矿", "传感器", "废水", "封装", "没有这个词"]
    held = idx.holding(terms, rows)
    for t in terms:
        expected = np.zeros(len(rows), dtype=bool)
        for f in WORD_FIELDS:
            expected |= idx.contains(f, t, rows)
        assert (held[t] == expected).all(), t
    assert held["钙钛矿"][idx.find_row("p-new")] and not held["没有这个词"].any()

"""The label classifier: learned from the index's own term frequencies, and what the labelled
texts teach kept between builds under the digest of the texts and the dictionary."""

from __future__ import annotations

import json

import pytest

import techmayor.matching.classifier as classifier_module
from techmayor.matching.classifier import LabelClassifier
from techmayor.matching.index import BUILD_PARTS, normalize_record
from techmayor.matching.ranker import Matcher

from .conftest import LABELLED, records

NEEDS = ["电池容量衰减得快", "水稻直播怎么除草", "印染废水COD高", "桥梁拉索振动", "压力传感器高温漏电"]


def _same_predictions(a: LabelClassifier, b: LabelClassifier) -> None:
    assert sorted(a.models) == sorted(b.models)
    for space, model in a.models.items():
        other = b.models[space]
        assert sorted(model.labels) == sorted(other.labels)
        assert set(model.vocab) == set(other.vocab)
    for need in NEEDS:
        pa, pb = a.predict(need), b.predict(need)
        for space in pa:
            for label, p in pa[space].items():
                assert pb[space][label] == pytest.approx(p, abs=1e-9)


def test_counting_from_the_index_equals_training_record_by_record(tmp_path):
    m = Matcher.build(records(), tmp_path / "ix", labelled_texts=LABELLED)
    reference = LabelClassifier.train(m.index.analyzer, records(), LABELLED)
    _same_predictions(reference, m.classifier)


def test_the_sample_of_a_large_pool_is_the_same_either_way(tmp_path):
    """With fewer training records than documents, every stride-th document is learned from."""
    recs = records()
    m = Matcher.build(recs, tmp_path / "ix", max_training_records=7)
    stride = -(-len(recs) // 7)
    reference = LabelClassifier.train(m.index.analyzer, recs[::stride])
    _same_predictions(reference, m.classifier)


def test_a_second_build_reads_the_labelled_texts_back_and_new_data_is_learned_again(tmp_path, monkeypatch):
    directory = tmp_path / "ix"
    first = Matcher.build(records(), directory, labelled_texts=LABELLED)
    assert first.build_report["labelled_texts"] == "learned"
    (kept,) = (directory / "trained").iterdir()

    # the same texts and dictionary: read back, not analysed again
    learn = classifier_module.extra_counts
    monkeypatch.setattr(classifier_module, "extra_counts", lambda *a, **k: pytest.fail("labelled texts re-learned"))
    second = Matcher.build(records(), directory, labelled_texts=LABELLED)
    assert second.build_report["labelled_texts"] == "kept"
    assert [p.name for p in (directory / "trained").iterdir()] == [kept.name]
    _same_predictions(first.classifier, second.classifier)
    monkeypatch.setattr(classifier_module, "extra_counts", learn)

    # another labelled title: learned again, under a new digest, and the old one is dropped
    changed = {"category": [*LABELLED["category"], ("葡萄酒澄清工艺", "工学")]}
    third = Matcher.build(records(), directory, labelled_texts=changed)
    assert third.build_report["labelled_texts"] == "learned"
    (renewed,) = (directory / "trained").iterdir()
    assert renewed.name != kept.name
    _same_predictions(LabelClassifier.train(third.index.analyzer, records(), changed), third.classifier)

    # the dictionary segments the texts, so it is part of the digest too
    fourth = Matcher.build(records(), directory, labelled_texts=changed, domain_words=["澄清工艺"])
    assert fourth.build_report["labelled_texts"] == "learned"
    assert [p.name for p in (directory / "trained").iterdir()] != [renewed.name]


def test_the_build_reports_its_parts(tmp_path):
    m = Matcher.build(records(), tmp_path / "ix", labelled_texts=LABELLED, workers=2)
    report = json.loads((tmp_path / "ix" / "build.json").read_text(encoding="utf-8"))
    assert report == m.build_report
    for part in (*BUILD_PARTS, "classifier", "boilerplate"):
        assert report[part] >= 0
    assert len(m.index) == len(records())


def test_keywords_and_ipc_may_be_the_text_of_a_json_array():
    rec = normalize_record({"external_id": "x", "keywords": '["压力传感器", "高温"]', "ipc": '["G01L 9/00"]'})
    assert rec["keywords"] == ["压力传感器", "高温"]
    assert rec["ipc"] == ["G01L 9/00"]
    assert normalize_record({"external_id": "y", "keywords": "[不是数组; 高温"})["keywords"] == ["[不是数组", "高温"]

"""The learned second stage (decision 0029): features, deterministic training, use in search."""

from __future__ import annotations

import numpy as np
import pytest

from techmayor.matching.learned import (
    FEATURES,
    MODEL_PATH,
    LearnedRanker,
    TrainingParams,
    candidate_features,
    hand_score,
    read_training_needs,
    train,
)
from techmayor.matching.lexicon import is_meaningful_term
from techmayor.matching.ranker import with_config

from .conftest import QUERIES

SMALL = TrainingParams(rounds=5, min_data_in_leaf=5, depth=30)


def _features(matcher, need):
    q, rows, first, bm25, label = matcher.first_stage(need)
    order = np.argsort(-first, kind="stable")
    rows, first, bm25, label = rows[order], first[order], bm25[order], label[order]
    return rows, candidate_features(matcher, q, rows, first, bm25, label)


def test_features_see_fields_concepts_and_general_only_matches(matcher):
    rows, feats = _features(matcher, "印染废水色度深、COD高，想找组合处理工艺")
    assert feats.matrix.shape == (len(rows), len(FEATURES))
    assert np.isfinite(feats.matrix).all()
    col = {n: i for i, n in enumerate(FEATURES)}
    best = [matcher.index.external_id(int(r)) for r in rows].index("p-water")
    x = feats.matrix[best]
    assert x[col["title"]] == 1.0 and x[col["abstract"]] == 1.0  # the best title and abstract
    assert x[col["coverage"]] > 0.5 and x[col["general_only"]] == 0.0 and x[col["has_abstract"]] == 1.0
    # concepts are meaningful words: a document met only through 处理/工艺 holds none
    for i, matched in enumerate(feats.matched):
        assert all(is_meaningful_term(c) for c in matched)
        assert feats.matrix[i, col["general_only"]] == (0.0 if matched else 1.0)
    # the hand-set score of decision 0022 is the engine's own second stage
    m = feats.matrix
    expected = m[:, col["first"]] + m[:, col["coverage"]] - 0.3 * m[:, col["general_only"]]
    np.testing.assert_allclose(hand_score(m), expected)


def test_training_is_deterministic_and_the_model_round_trips(matcher, tmp_path):
    needs = [(qid, text, doc) for qid, text, doc in QUERIES]
    a, b = train(matcher, needs, SMALL), train(matcher, needs, SMALL)
    assert a.booster.model_to_string() == b.booster.model_to_string()
    assert a.booster.feature_name() == list(FEATURES)
    a.save(tmp_path / "m.txt")
    loaded = LearnedRanker.load(tmp_path / "m.txt")
    _, feats = _features(matcher, QUERIES[0][1])
    np.testing.assert_allclose(loaded.scores(feats.matrix), a.scores(feats.matrix))
    assert loaded.scores(np.zeros((0, len(FEATURES)))).shape == (0,)


def test_training_needs_must_reach_the_candidates(matcher):
    with pytest.raises(ValueError, match="no training need"):
        train(matcher, [("X1", "完全无关的句子", "not-in-pool"), ("X2", "锂电池", "c-15")], SMALL)


def test_a_file_not_written_by_train_is_refused(tmp_path):
    (tmp_path / "bad.txt").write_text("tree\nversion=v4\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not a ranker model"):
        LearnedRanker.load(tmp_path / "bad.txt")


def test_search_with_a_learned_model_keeps_answers_scale_and_the_term_rule(matcher, tmp_path):
    train(matcher, list(QUERIES), SMALL).save(tmp_path / "m.txt")
    learned = with_config(matcher, learned_model=str(tmp_path / "m.txt"))
    assert learned.learned is not None and matcher.learned is None
    off = with_config(matcher, rerank_depth=0)
    for _, need, expected in QUERIES:
        hits = learned.search(need, k=3)
        assert expected in [h.id for h in hits]
        assert hits[0].score <= off.search(need, k=1)[0].score + 1e-6  # the first stage's scale
        for h in hits:
            assert all(is_meaningful_term(t.term) for t in h.explanation.matched_terms)
    assert learned.search("提高材料性能的方法", target="experts", k=3)  # aggregation still works


def test_the_shipped_model_matches_the_features_and_loads():
    model = LearnedRanker.load(MODEL_PATH)
    assert model.booster.feature_name() == list(FEATURES)
    assert model.base_scale > 0


def test_the_training_needs_never_use_an_evaluation_document(eval_dir):
    judged = {line.split()[2] for line in (eval_dir / "needs_dev.qrels").read_text(encoding="utf-8").splitlines()}
    needs = read_training_needs()
    assert len(needs) >= 100
    assert not judged & {doc for _, _, doc in needs}
    assert len({qid for qid, _, _ in needs}) == len(needs)

"""The curated word lists, plain-speech normalisation and the second stage."""

from __future__ import annotations

from techmayor.matching.analysis import normalize
from techmayor.matching.lexicon import GENERAL_WORDS, PLAIN_SPEECH, is_meaningful_term, plain_speech_terms
from techmayor.matching.ranker import with_config
from techmayor.matching.rerank import RerankWeights, concepts_of


def test_single_characters_general_words_and_units_are_not_terms():
    for t in ("高", "快", "材料", "方法", "优化", "提高", "℃", "a", ""):
        assert not is_meaningful_term(t), t
    for t in ("锂电池", "容量衰减", "mems", "漏电"):
        assert is_meaningful_term(t), t
    # the technical terms the lexicon adds are themselves meaningful (nothing general sneaks in)
    assert not {t for terms in PLAIN_SPEECH.values() for t in terms} & GENERAL_WORDS


def test_plain_phrases_are_found_longest_first_and_once():
    found = plain_speech_terms(normalize("设备老是生锈，管子漏水，又漏水；电池掉电快"))
    assert found["生锈"] == ("腐蚀", "防腐", "耐蚀")
    assert "漏水" in found and "掉电快" in found
    assert "掉电" not in found  # inside the longer 掉电快
    assert plain_speech_terms("") == {} and plain_speech_terms("锂离子电池正极材料") == {}


def test_a_plain_need_reaches_the_technical_document_and_says_why(matcher):
    need = "我们的钢架放在海边老是生锈，想找人想想办法"
    q = matcher._query(need)
    assert "腐蚀" in q.words and q.words["腐蚀"] == matcher.config.plain_speech_weight
    for hit in matcher.search(need, k=5):
        matched = {t.term for t in hit.explanation.matched_terms}
        assert "腐蚀" not in matched  # the need never said it: a related term at most
        assert not {"想想", "办法", "老是"} & matched  # spoken fillers are not terms


def test_concepts_drop_general_words_and_group_sub_words(matcher):
    an = matcher.analyzer
    words = an.analyze("提高锂离子电池材料的循环寿命，优化方法", query=True).words
    concepts = concepts_of(matcher.index, words, an._subwords, {"掉电快": ("容量衰减", "续航")})
    labels = [c.label for c in concepts]
    assert not {"提高", "材料", "优化", "方法"} & set(labels)
    assert all(c.weight > 0 for c in concepts)
    # a sub-word of a longer query word is not a concept of its own but half of that concept
    assert "锂离子电池" in labels and "电池" not in labels
    battery = next(c for c in concepts if c.label == "锂离子电池")
    assert battery.alternatives["锂离子电池"] == 1.0 and battery.alternatives.get("电池") == 0.5
    # a plain phrase is one concept, met by any of its technical terms in full
    assert next(c for c in concepts if c.label == "掉电快").alternatives == {"容量衰减": 1.0, "续航": 1.0}


def test_the_second_stage_keeps_clear_answers_and_its_scale(matcher):
    from .conftest import QUERIES

    off = with_config(matcher, rerank_depth=0)
    for _, need, expected in QUERIES:
        on_hits = matcher.search(need, k=3)
        assert on_hits[0].id == expected
        assert on_hits[0].score <= off.search(need, k=1)[0].score + 1e-6  # the first stage's scale
    # a document sharing only general words with the need falls below one sharing a real term
    flat = with_config(matcher, rerank=RerankWeights(0.0, 0.0, 0.0, 0.0))
    need = "提高材料性能的方法，锂电池容量衰减"
    assert [h.id for h in matcher.search(need, k=1)] == [flat.search(need, k=1)[0].id] == ["p-battery"]


def test_plain_phrases_of_other_trades_reach_their_technical_terms(matcher):
    """Entries written with the training needs of decision 0029: shop-floor words of other trades."""
    found = plain_speech_terms(normalize("我们发豆芽全靠人浇水，合金块要人拿锤子砸碎，太阳能板坏了换起来费事"))
    assert found["浇水"] == ("灌溉", "喷淋") and found["砸碎"] == ("破碎", "粉碎")
    assert found["太阳能板"] == ("光伏组件", "光伏")
    q = matcher._query("我们发豆芽全靠人浇水，听说有自动的办法，想试试")
    assert "灌溉" in q.words and q.words["灌溉"] == matcher.config.plain_speech_weight
    assert not {"听说", "试试"} & set(q.words)  # spoken fillers are dropped

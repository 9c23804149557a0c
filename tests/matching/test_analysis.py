"""Text analysis on tricky input: never a crash; empty input gives empty tokens."""

from __future__ import annotations

import time

import pytest

from techmayor.matching.analysis import (
    BOILERPLATE,
    Analyzer,
    domain_words_from_keywords,
    domain_words_from_taxonomy,
    learn_boilerplate,
    normalize,
)


@pytest.fixture(scope="module")
def analyzer():
    return Analyzer(["深松施肥"])


@pytest.mark.parametrize("text", ["", "   ", "\n\t\u3000", None, "😀🔋🚀", "，。！？、；：", "----", "\x00\x01"])
def test_empty_like_input_gives_empty_tokens(analyzer, text):
    out = analyzer.analyze(text)
    assert out.words == [] and out.bigrams == []
    assert analyzer.analyze(text, query=True).words == []


def test_non_string_is_a_type_error(analyzer):
    with pytest.raises(TypeError):
        analyzer.analyze(42)  # type: ignore[arg-type]


def test_full_width_and_case_are_normalised(analyzer):
    assert analyzer.words("ＭＥＭＳ芯片") == analyzer.words("mems芯片") == ["mems", "芯片"]
    assert "abc123" in analyzer.words("ＡＢＣ１２３")


def test_traditional_becomes_simplified(analyzer):
    assert analyzer.words("壓力傳感器") == analyzer.words("压力传感器")
    assert "电池" in analyzer.words("電池")


def test_units_are_canonical(analyzer):
    assert normalize("200℃").split() == ["200", "℃"]
    assert analyzer.words("耐200℃高温") == analyzer.words("耐200摄氏度高温") == analyzer.words("耐200°C高温")
    assert analyzer.words("５μｍ") == analyzer.words("5 µm") == analyzer.words("5微米") == ["um"]
    assert "mpa" in analyzer.words("强度 30ＭＰａ") and "mpa" in analyzer.words("强度30兆帕")
    # a unit word without a number is a word, not a unit
    assert "纳米材料" in analyzer.words("纳米材料")


def test_mixed_chinese_english_numbers(analyzer):
    words = analyzer.words("1GSTN-325型深松施肥机, Li-ion电池, 5G通信, 3.5 mm, 2023年")
    assert {"深松施肥", "li-ion", "电池", "5g", "通信", "mm"} <= set(words)
    assert "2023" not in words and "3.5" not in words  # bare numbers carry no meaning


def test_search_mode_subwords_do_not_straddle_boundaries(analyzer):
    words = analyzer.words("园林绿化工程")
    assert {"园林", "绿化", "工程"} <= set(words)
    assert "化工" not in words
    assert "传感器" in analyzer.words("压力传感器") and "压力" in analyzer.words("压力传感器")


def test_bigrams_never_span_punctuation_or_removed_words(analyzer):
    out = analyzer.analyze("高温，压力的芯片")
    assert "温压" not in out.bigrams  # across the comma
    assert "力芯" not in out.bigrams  # across the stop word 的
    assert {"高温", "压力", "芯片"} <= set(out.bigrams)


def test_query_mode_drops_boilerplate(analyzer):
    text = "我们公司希望寻找专家帮助解决电池容量衰减问题，研发经费可投入100万元左右，想找人帮忙。"
    q = analyzer.words(text, query=True)
    assert "电池" in q and "容量" in q and "衰减" in q
    assert not set(q) & {"我们", "公司", "希望", "寻找", "专家", "帮助", "解决", "万元", "经费", "帮忙"}
    d = analyzer.words(text)  # documents keep them (only function words go)
    assert "专家" in d


def test_very_long_input_is_handled(analyzer):
    text = ("锂电池容量衰减 ABC-12 测试😀，" * 80_000)[: 1 << 20]
    t0 = time.perf_counter()
    out = analyzer.analyze(text)
    assert out.words and out.bigrams
    assert time.perf_counter() - t0 < 10
    longer = Analyzer(max_chars=1000).analyze("电池" * 10_000)
    assert len(longer.words) <= 1000


def test_domain_dictionary_words():
    assert domain_words_from_taxonomy(["棉、麻、糖、烟草种植", "其他谷物种植", "农、林、牧、渔业"]) == [
        "烟草种植",
        "谷物种植",
        "渔业",
    ]
    assert domain_words_from_keywords(["深松施肥", "修正Rodrigues参数模型", "a", "深松施肥机具与农业工程"]) == [
        "深松施肥"
    ]
    a = Analyzer(["深松施肥"])
    assert "深松施肥" in a.words("深松施肥型作业机")


def test_learn_boilerplate_from_needs():
    a = Analyzer()
    needs = [
        f"本单位想找人合作，解决{topic}问题，预算面议" for topic in ("电池", "水稻", "桥梁", "印染", "焊接", "茶叶")
    ]
    corpus_df = {"电池": 50, "水稻": 50, "桥梁": 50, "印染": 50, "焊接": 50, "茶叶": 50}
    learned = learn_boilerplate(needs, corpus_df, 1000, a, min_needs=3)
    assert "面议" in learned or "预算" in learned or "单位" in learned
    assert not set(learned) & set(corpus_df)
    assert learn_boilerplate([], corpus_df, 1000, a) == []
    assert BOILERPLATE.isdisjoint({"电池", "水稻"})


def test_config_round_trip():
    a = Analyzer(["深松施肥"], boilerplate=["面议"])
    b = Analyzer.from_config(a.config())
    text = "深松施肥作业，价格面议"
    assert a.analyze(text, query=True) == b.analyze(text, query=True)
    assert "面议" not in b.words(text, query=True)

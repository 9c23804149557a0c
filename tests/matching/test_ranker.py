"""Ranking quality on a fixed tiny corpus, explanations, feedback, experts and universities."""

from __future__ import annotations

import pytest

from techmayor.matching.ranker import Assessment, Feedback, Matcher, SearchContext, with_config

from .conftest import QUERIES, records


@pytest.mark.parametrize(("qid", "need", "expected"), QUERIES)
def test_fixed_quality_regression(matcher, qid, need, expected):
    hits = matcher.search(need, k=5)
    assert hits, qid
    assert hits[0].id == expected, (qid, [h.id for h in hits])


def test_every_query_finds_its_document_within_the_top_three_without_labels(matcher):
    plain = with_config(matcher, label_weight=0.0)
    for _, need, expected in QUERIES:
        assert expected in [h.id for h in plain.search(need, k=3)]


def test_explanations_name_only_terms_present_in_both(matcher):
    by_id = {r["external_id"]: r for r in records()}
    an = matcher.analyzer
    for _, need, _ in QUERIES:
        need_terms = set(an.analyze(need, query=True).words)
        for hit in matcher.search(need, k=5):
            rec = by_id[hit.id]
            texts = {"title": rec["title"], "keywords": " ; ".join(rec["keywords"]), "abstract": rec["abstract"]}
            for tm in hit.explanation.matched_terms:
                assert tm.term in need_terms, (hit.id, tm.term)
                for field in tm.fields:
                    assert tm.term in an.analyze(texts[field]).words, (hit.id, tm.term, field)
            for frag in hit.explanation.matched_fragments:
                assert frag in an.analyze(need, query=True).bigrams
            text = hit.explanation.as_text()
            assert "%" not in text and "％" not in text


def test_explanation_of_a_clear_match(matcher):
    hit = matcher.search(QUERIES[1][1], k=1)[0]
    terms = {t.term: t.fields for t in hit.explanation.matched_terms}
    assert "mems" in terms and "abstract" in terms["mems"]
    assert "漏电" not in terms or "abstract" in terms["漏电"]
    assert "匹配词" in hit.explanation.as_text()
    assert hit.to_dict()["explanation_text"] == hit.explanation.as_text()


def test_decline_demotes_and_accept_promotes(matcher):
    need = QUERIES[3][1]  # dyeing wastewater
    before = [h.id for h in matcher.search(need, k=5)]
    top, second = before[0], before[1]
    assert (
        matcher.index.meta(matcher.index.find_row(top)).expert_ids
        != matcher.index.meta(matcher.index.find_row(second)).expert_ids
    )
    declined = matcher.search(need, k=5, feedback=[Feedback(need, False, external_id=top, reason="不对口")])
    ids = [h.id for h in declined]
    assert ids.index(top) > 0
    assert any("婉拒" in s for s in declined[ids.index(top)].explanation.signals)
    accepted = [h.id for h in matcher.search(need, k=5, feedback=[Feedback(need, True, external_id=second)])]
    assert accepted[0] == second
    # a similar need carries part of the signal: the accepted result moves up
    similar = "印染厂废水COD高、色度深，希望找废水处理专家"
    moved = [h.id for h in matcher.search(need, k=5, feedback=[Feedback(similar, True, external_id=before[2])])]
    assert moved.index(before[2]) < 2
    # feedback on an unrelated need changes nothing
    unrelated = [Feedback("茶叶农药残留检测方法", False, external_id=top, reason="不对口")]
    assert [h.id for h in matcher.search(need, k=5, feedback=unrelated)] == before


def test_unreachable_expert_is_demoted_for_every_need(matcher):
    need = QUERIES[3][1]
    experts = [h.id for h in matcher.search(need, target="experts", k=3)]
    fb = [Feedback("完全无关的需求", False, expert_id=experts[0], reason="联系不上")]
    after = [h.id for h in matcher.search(need, target="experts", k=3, feedback=fb)]
    assert len(experts) > 1 and after[0] != experts[0]


def test_experts_aggregate_their_achievements(matcher):
    hits = matcher.search("激光切割钢板边角毛刺，焊接机器人焊缝跟踪", target="experts", k=3)
    assert hits[0].id == "E6"  # three achievements: welding, laser cutting, edge cutting
    titles = {a.title for a in hits[0].explanation.achievements}
    assert "焊接机器人焊缝跟踪的视觉方法" in titles
    assert hits[0].university_id == "U3"
    assert all(h.kind == "expert" for h in hits)
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))


def test_universities_rank_by_their_experts(matcher):
    hits = matcher.search("印染废水处理和重金属污染土壤修复", target="universities", k=3)
    assert hits[0].id == "U3"
    assert {"E5"} <= set(hits[0].explanation.experts)
    assert hits[0].explanation.achievements


def test_context_boosts_home_unit(matcher):
    need = "茶叶和桥梁"
    plain = [h.id for h in matcher.search(need, target="universities", k=3)]
    boosted = matcher.search(
        need, target="universities", k=3, context=SearchContext(home_university_ids=frozenset({"U7"}))
    )
    assert plain[0] == "U4"
    hit = next((h for h in boosted if h.id == "U4"), None)
    assert hit is not None


def test_kinds_filter_and_targets(matcher):
    hits = matcher.search(QUERIES[0][1], k=10, kinds=["patent"])
    assert hits and all(h.kind == "patent" for h in hits)
    with pytest.raises(ValueError):
        matcher.search("电池", target="nonsense")
    assert matcher.search("", k=5) == []
    assert matcher.search("😀😀", k=5) == []
    assert matcher.search("电池", k=0) == []


def test_search_many_is_search_in_a_loop(matcher):
    batch = dict(matcher.search_many([(q, t) for q, t, _ in QUERIES], k=3))
    for q, t, _ in QUERIES:
        assert [h.id for h in batch[q]] == [h.id for h in matcher.search(t, k=3, explain=False)]


def test_learned_boilerplate_is_saved(tmp_path):
    m = Matcher.build(records(), tmp_path / "ix")
    needs = [f"本单位想找人合作解决{x}问题，价格面议" for x in ("电池", "水稻", "桥梁", "印染", "焊接")]
    learned = m.learn_boilerplate(needs)
    assert "面议" in learned
    assert "面议" not in Matcher.load(tmp_path / "ix").analyzer.words("价格面议", query=True)


def test_university_feedback_moves_the_university(matcher):
    need = "印染废水处理和重金属污染土壤修复"
    before = [h.id for h in matcher.search(need, target="universities", k=5)]
    assert len(before) >= 2
    top, second = before[0], before[1]
    declined = matcher.search(
        need, target="universities", k=5, feedback=[Feedback(need, False, university_id=top, reason="已有合作")]
    )
    ids = [h.id for h in declined]
    assert ids.index(top) > 0
    assert "相似需求中被婉拒（已有合作）" in declined[ids.index(top)].explanation.signals
    accepted = matcher.search(need, target="universities", k=5, feedback=[Feedback(need, True, university_id=second)])
    assert accepted[0].id == second
    assert "相似需求中已被采纳" in accepted[0].explanation.signals
    # a judgement on an unrelated need leaves the order alone
    unrelated = [Feedback("茶叶杀青机的温度控制", False, university_id=top, reason="不对口")]
    assert [h.id for h in matcher.search(need, target="universities", k=5, feedback=unrelated)] == before


def test_assess_weighs_the_specific_terms_a_need_shares_with_its_best_result(matcher):
    clear = matcher.assess(QUERIES[0][1])
    assert clear.external_id == "p-battery"
    assert clear.expert_id == "E1"
    need_terms = set(matcher.analyzer.analyze(QUERIES[0][1], query=True).words)
    assert clear.matched_terms and set(clear.matched_terms) <= need_terms
    assert all(len(t) > 1 for t in clear.matched_terms)
    assert "电池" in "".join(clear.matched_terms)
    assert len(clear.matched_terms) >= clear.evidence >= Assessment.GOOD
    assert clear.level == "good"
    # one generic word in common is weak evidence
    weak = matcher.assess("我们需要一套企业资源计划系统的实施顾问，还要做财务共享和装置维护")
    assert weak.evidence < Assessment.FAIR and weak.level == "weak"
    empty = matcher.assess("完全无关😀")
    assert empty.evidence == 0.0 and empty.level == "none" and empty.matched_terms == []

"""The reverse direction's core: a result's words against what enterprises said, with reasons."""

from __future__ import annotations

import pytest

from techmayor.matching.analysis import Analyzer
from techmayor.matching.prospects import (
    GENERAL_WORDS,
    EnterpriseProfile,
    ProspectPool,
    ResultText,
    Source,
    meaningful,
)

BATTERY = ResultText(
    "r1",
    "锂离子电池循环寿命与容量衰减机理研究",
    ["锂离子电池", "容量衰减", "循环寿命"],
    "分析了锂离子电池在充放电循环过程中容量衰减的原因，提出了改进正极材料的方法。",
)


def profiles():
    return [
        EnterpriseProfile(
            "1",
            "储能公司",
            "C3841",
            "锂离子电池制造",
            ("high_tech",),
            [Source("need", "11", "储能电池容量衰减", "我们的电池用久了容量衰减快，循环寿命短。")],
        ),
        EnterpriseProfile(
            "2",
            "机械公司",
            "C3484",
            "机械零部件加工",
            (),
            [Source("visit", "21", "2021-09-03", "谈到数控机床主轴精度问题，需要提高材料性能。")],
        ),
        EnterpriseProfile(
            "3",
            "电池新厂",
            "C3841",
            "锂离子电池制造",
            (),
            [],
        ),
        EnterpriseProfile(
            "4",
            "快拆公司",
            "",
            "",
            (),
            [Source("need", "41", "快拆扶手", "扶手要能快速拆装，高强度材料，方法优化。")],
        ),
        EnterpriseProfile(
            "5",
            "电动车厂",
            "C3761",
            "电动车整车制造",
            (),
            [Source("visit", "51", "2021-10-01", "走访时谈到电池包的循环寿命和低温续航。")],
        ),
    ]


@pytest.fixture(scope="module")
def pool():
    return ProspectPool(Analyzer(["锂离子电池", "容量衰减", "循环寿命"]), profiles())


def test_the_enterprise_that_asked_for_it_comes_first_with_its_need_and_words(pool):
    ranked = pool.rank(BATTERY)
    assert ranked[0].id == "1"
    need = ranked[0].evidence[0]
    assert (need.kind, need.ref, need.label) == ("need", "11", "储能电池容量衰减")
    assert "容量衰减" in need.terms and "寿命" in need.terms
    assert "容量" not in need.terms  # a phrase reads once, not with its sub-words
    industry = next(e for e in ranked[0].evidence if e.kind == "industry")
    assert industry.label == "C3841 锂离子电池制造" and "锂离子电池" in industry.terms
    assert any(e.kind == "tags" and e.terms == ["high_tech"] for e in ranked[0].evidence)


def test_what_was_said_on_a_visit_counts_and_industry_peers_bring_a_silent_enterprise(pool):
    ids = [p.id for p in pool.rank(BATTERY)]
    assert "5" in ids  # the visit spoke of 循环寿命
    assert "3" in ids  # said nothing, but is in the class of the one that asked
    silent = next(p for p in pool.rank(BATTERY) if p.id == "3")
    assert {e.kind for e in silent.evidence} <= {"industry", "peers"}
    assert ids.index("1") < ids.index("3")


def test_general_words_and_single_characters_never_match_or_show(pool):
    ids = [p.id for p in pool.rank(BATTERY)]
    assert "2" not in ids  # shares only 材料 / 提高 / 性能 with the result
    assert "4" not in ids  # 快 and 材料 / 方法 / 优化 are not reasons
    for p in pool.rank(BATTERY):
        for term in p.terms:
            assert meaningful(term) and len(term) >= 2 and term not in GENERAL_WORDS
    assert not meaningful("高") and not meaningful("材料") and not meaningful("快") and meaningful("电池")


def test_scope_exclusions_and_visibility_are_applied(pool):
    assert [p.id for p in pool.rank(BATTERY, allowed={"5"})] == ["5"]
    assert "1" not in [p.id for p in pool.rank(BATTERY, excluded={"1": True})]
    hidden = pool.rank(BATTERY, visible=lambda kind, refs: set() if kind == "need" else refs)
    first = next(p for p in hidden if p.id == "1")
    assert all(e.kind != "need" for e in first.evidence)  # the need it told another group is not used


def test_a_plan_of_several_results_sums_and_names_each_result(pool):
    sensor = ResultText("r2", "动力电池包低温续航提升技术", ["低温续航", "电池包"], "")
    ranked = pool.rank_many([BATTERY, sensor], k=10)
    ev = next(p for p in ranked if p.id == "5")
    assert set(ev.results) == {"r1", "r2"}
    assert {e.result_id for e in ev.evidence} == {"r1", "r2"}
    assert pool.rank(ResultText("x", "的 了 高 材料 方法")) == []

"""Recommending members to own a need: signals, reasons, load, and no invented matches."""

from __future__ import annotations

from techmayor.matching.members import MemberProfile, MemberWeights, recommend_members

from .conftest import QUERIES

BATTERY = QUERIES[0][1]


def _ids(hits):
    return [h.id for h in hits]


def test_expertise_ranks_first_and_names_the_shared_terms(matcher):
    members = [
        MemberProfile("m1", "甲", expertise="水稻栽培与农业机械"),
        MemberProfile("m2", "乙", expertise="锂离子电池材料、储能系统与容量衰减分析"),
        MemberProfile("m3", "丙", expertise="桥梁结构减振"),
    ]
    hits = recommend_members(matcher, BATTERY, members)
    assert _ids(hits) == ["m2"]  # the others have no positive signal at all
    assert hits[0].rank == 1
    reason = hits[0].reasons[0]
    assert reason.startswith("专业特长相关：")
    need_terms = set(matcher.analyzer.analyze(BATTERY, query=True).words)
    named = reason.split("：", 1)[1].split("、")
    assert named and all(t in need_terms for t in named)
    assert hits[0].reasons[-1] == "当前没有未办结需求"


def test_home_unit_district_experience_and_load(matcher):
    universities = matcher.search(BATTERY, target="universities", k=5)
    assert universities[0].id == "U1"
    members = [
        MemberProfile("unit", "后方", university_id="U1", unit="一大"),
        MemberProfile("local", "本区", district="武进区"),
        MemberProfile("past", "老手", past_needs=[("电池衰减分析", "储能电池容量衰减快，循环寿命短")]),
        MemberProfile("busy", "忙人", university_id="U1", unit="一大", load=9),
        MemberProfile("none", "无关", district="新北区", university_id="U8", unit="八大"),
    ]
    hits = recommend_members(matcher, BATTERY, members, district="武进区", university_hits=universities, k=5)
    by_id = {h.id: h for h in hits}
    assert "none" not in by_id  # another district and a home unit that did not match
    assert any(r.startswith("后方单位一大在匹配高校中排第 1 位") for r in by_id["unit"].reasons)
    assert "所在支团服务武进区" in by_id["local"].reasons
    assert "负责过相似需求「电池衰减分析」" in by_id["past"].reasons
    # the same home unit with nine open needs ranks below the free member
    assert _ids(hits).index("busy") > _ids(hits).index("unit")
    assert "当前负责 9 项未办结需求" in by_id["busy"].reasons
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))


def test_at_most_k_and_deterministic(matcher):
    members = [MemberProfile(f"m{i}", f"成员{i}", district="武进区", load=i % 3) for i in range(8)]
    hits = recommend_members(matcher, BATTERY, members, district="武进区", k=3)
    assert len(hits) == 3
    assert [h.load for h in hits] == [0, 0, 0]
    assert hits == recommend_members(matcher, BATTERY, list(reversed(members)), district="武进区", k=3)
    assert recommend_members(matcher, BATTERY, members, k=0) == []
    assert recommend_members(matcher, "", [MemberProfile("x", "x", expertise="电池")]) == []


def test_weights_are_parameters(matcher):
    members = [
        MemberProfile("local", "本区", district="武进区"),
        MemberProfile("expert", "专家", expertise="锂离子电池容量衰减"),
    ]
    default = recommend_members(matcher, BATTERY, members, district="武进区")
    assert _ids(default)[0] == "expert"
    local_first = recommend_members(matcher, BATTERY, members, district="武进区", weights=MemberWeights(district=5.0))
    assert _ids(local_first)[0] == "local"


def test_a_member_whose_expertise_is_in_the_needs_discipline_is_routed_to_it(tmp_path):
    """Discipline routing: a member whose 专业特长 shares no word with the need but reads as the
    need's first discipline is recommended, with the discipline named; the same for a member of
    another field is not."""
    from techmayor.matching.ranker import Matcher
    from techmayor.matching.routing import route

    from .conftest import LABELLED, records

    labelled = dict(LABELLED)
    labelled["discipline"] = [
        ("锂离子电池正极材料包覆改性", "材料科学与工程"),
        ("金属材料热处理与相变", "材料科学与工程"),
        ("陶瓷材料烧结致密化", "材料科学与工程"),
        ("高分子复合材料界面", "材料科学与工程"),
        ("水稻高产栽培技术", "作物学"),
        ("小麦品种选育", "作物学"),
        ("玉米密植栽培", "作物学"),
    ]
    m = Matcher.build(records(), tmp_path / "index", labelled_texts=labelled)
    disciplines = [r.label for r in route(m, BATTERY)]
    assert disciplines[0] == "材料科学与工程"
    members = [
        MemberProfile("mat", "材", expertise="陶瓷与金属材料的烧结和热处理"),
        MemberProfile("crop", "农", expertise="小麦玉米栽培"),
    ]
    hits = recommend_members(m, BATTERY, members, disciplines=disciplines)
    assert _ids(hits) == ["mat"]
    assert "专业方向属于需求所属学科：材料科学与工程" in hits[0].reasons
    assert recommend_members(m, BATTERY, members) == []  # without routing neither has a signal

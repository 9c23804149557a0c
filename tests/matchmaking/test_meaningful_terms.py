"""No matched term or reason shown for the demo's needs is a single character or a general word
(材料, 方法, 优化, 提高, 高 …): over the demo's resource pool (the real papers and patents), every
need template of the demo, each target, the need's "has a good match" terms and the members'
expertise reasons."""

from __future__ import annotations

import re

import pytest

from techmayor import data
from techmayor.demo import vocab as V
from techmayor.demo.resources import build_resource_pool
from techmayor.matching.lexicon import GENERAL_WORDS, is_meaningful_term
from techmayor.matching.members import MemberProfile, recommend_members
from techmayor.matchmaking import services
from techmayor.resources.importers import import_universities

pytestmark = pytest.mark.django_db

FILL = {"p": 70, "q": 5, "n": 3, "m": 120}


def demo_need_texts() -> list[str]:
    """Title + description of every need template of the demo (all sectors, all kinds)."""
    out = []
    for sector in V.SECTORS.values():
        for title, *lines in sector["needs"]:
            out.append("。".join([title, *lines]).format(label=sector["label"], **FILL))
        for templates in V.OTHER_NEEDS.values():
            for title, *lines in templates:
                out.append("。".join([title, *lines]).format(label=sector["label"], **FILL))
    return list(dict.fromkeys(out))


def _bad(terms) -> list[str]:
    return [t for t in terms if not is_meaningful_term(t)]


def _shown_terms(text: str, label: str) -> list[str]:
    """The words listed after ``label`` in an explanation's text, e.g. "匹配词：电池（标题）、…"."""
    m = re.search(label + r"([^；]*)", text)
    if not m:
        return []
    return [re.sub(r"（.*?）", "", t) for t in m.group(1).split("、") if t]


def test_no_single_character_or_general_word_is_shown_for_the_demo_needs():
    import_universities(data.UNIVERSITIES)
    build_resource_pool(seed=14)
    matcher = services.matching_index_build()
    members = [
        MemberProfile("m1", "甲", expertise="新能源材料与电池技术，材料表面处理方法优化"),
        MemberProfile("m2", "乙", expertise="机械设计制造及其自动化，提高生产效率"),
        MemberProfile("m3", "丙", expertise="环境工程、水处理与高级氧化方法"),
    ]
    needs = demo_need_texts()
    assert len(needs) > 100
    problems = []
    for text in needs:
        for target in ("achievements", "experts", "universities"):
            for hit in matcher.search(text, target=target, k=5):
                e = hit.explanation
                shown = [m.term for m in e.matched_terms] + [m.term for m in e.related_terms]
                shown += list(e.matched_fragments)
                shown += [t for ref in e.achievements for t in ref.matched_terms]
                shown += _shown_terms(e.as_text(), "匹配词：") + _shown_terms(e.as_text(), "字面相近：")
                problems += [(text[:20], target, hit.id, t) for t in _bad(shown)]
        problems += [(text[:20], "assessment", "", t) for t in _bad(matcher.assess(text).matched_terms)]
        for hit in recommend_members(matcher, text, members, k=3):
            for reason in hit.reasons:
                if reason.startswith("专业特长相关："):
                    problems += [(text[:20], "member", hit.id, t) for t in _bad(reason.split("：", 1)[1].split("、"))]
    assert not problems, problems[:20]


def test_a_match_carried_only_by_a_single_character_is_not_a_match(tmp_path):
    """ "快拆扶手" shares only 快 with a battery need: it is never listed above a real match and never
    explained by 快."""
    from techmayor.matching.ranker import Matcher

    records = [
        {"external_id": "quick", "kind": "patent", "title": "一种快拆扶手", "ipc": ["A47C"]},
        {"external_id": "cell", "kind": "patent", "title": "一种锂电池容量衰减检测装置", "ipc": ["H01M"]},
        {"external_id": "steel", "kind": "paper", "title": "铁矿石烧结过程优化", "abstract": "提高烧结矿质量。"},
    ]
    m = Matcher.build(records, tmp_path / "index")
    hits = m.search("电池用久了容量掉得快，想提高材料性能", k=3)
    assert hits[0].id == "cell"
    for h in hits:
        terms = [t.term for t in h.explanation.matched_terms] + list(h.explanation.matched_fragments)
        assert not {"快", "高", "提高", "材料", "优化"} & set(terms), (h.id, terms)
    assert {"材料", "方法", "优化", "提高", "高"} <= GENERAL_WORDS

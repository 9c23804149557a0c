"""The need page's matches, as issue 13 asks: read-only once the need is completed or cancelled;
after 采纳 one state (已采纳) with an undo; a declined match stays in sight, greyed, with its reason
and an undo; a need's own acceptance is never "a similar need's"; every result, expert and
university links to its page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from techmayor.core.errors import ApplicationError
from techmayor.matchmaking import selectors, services
from techmayor.matchmaking.models import MatchFeedback
from techmayor.needs.choices import NeedState as S
from techmayor.resources.models import Achievement, Expert, University
from tests.matchmaking.test_feedback_and_pages import a_need
from tests.needs.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def indexed(pool):
    services.matching_index_build()
    return pool


def section(client, need) -> str:
    return client.get(reverse("matchmaking:need_matches", args=[need.pk]), HTTP_HX_REQUEST="true").content.decode()


def judge(client, need, decision, target_id="p-battery", **extra):
    url = reverse("matchmaking:need_feedback", args=[need.pk])
    data = {"target": "achievement", "target_id": target_id, "decision": decision, **extra}
    return client.post(url, data, HTTP_HX_REQUEST="true").content.decode()


def row_of(html: str, target_id: str) -> str:
    start = html.rindex("<li", 0, html.index(f'data-id="{target_id}"'))
    return html[start : html.index("</li>", start)]


def test_accepting_leaves_one_state_which_can_be_undone(client, world, indexed):
    need = a_need(world)
    client.force_login(world.users["admin"])
    html = judge(client, need, "accept")
    row = row_of(html, "p-battery")
    assert "已采纳" in row and 'value="undo"' in row
    assert 'value="accept"' not in row and 'value="decline"' not in row  # one state, not both
    assert "相似需求中已被采纳" not in html  # its own acceptance is not a similar need's
    html = judge(client, need, "undo")
    row = row_of(html, "p-battery")
    assert "已采纳" not in row and 'value="accept"' in row and 'value="decline"' in row
    assert [fb.accepted for fb in MatchFeedback.objects.order_by("at", "id")] == [True, None]
    with pytest.raises(ApplicationError, match="无需撤销"):  # nothing left to undo
        services.match_feedback_record(
            need=need, user=world.users["admin"], target="achievement", target_id="p-battery", accepted=None
        )


def test_another_needs_acceptance_is_still_a_similar_needs_reason(client, world, indexed):
    mine, other = a_need(world, "ly"), a_need(world, "jt")
    client.force_login(world.users["admin"])
    judge(client, other, "accept")
    assert "相似需求中已被采纳" in row_of(section(client, mine), "p-battery")
    assert "相似需求中已被采纳" not in row_of(section(client, other), "p-battery")


def test_a_declined_match_stays_greyed_with_its_reason_and_an_undo(client, world, indexed):
    need = a_need(world)
    client.force_login(world.users["admin"])
    html = judge(client, need, "decline", reason="不对口", reason_text="方向是钠电池")
    row = row_of(html, "p-battery")  # demoted, yet still shown
    assert 'data-judgement="declined"' in row and "tm-declined" in row
    assert "已婉拒：不对口" in row and "方向是钠电池" in row and 'value="undo"' in row
    judge(client, need, "undo")
    results = selectors.need_matches(need=need, k=5, user=world.users["admin"])
    assert all(r.judgement is None for r in results.achievements)


@pytest.mark.parametrize("state", [S.COMPLETED, S.CANCELLED])
def test_a_completed_or_cancelled_need_shows_its_matches_read_only(client, world, indexed, state):
    need = a_need(world)
    client.force_login(world.users["admin"])
    judge(client, need, "accept")
    need = world.place("ly", state)  # its description (the battery text) stays
    html = section(client, need)
    assert 'id="matches-readonly"' in html and "锂离子电池" in html
    assert 'name="decision"' not in html  # no accept, decline or undo
    before = MatchFeedback.objects.count()
    assert "只读" in judge(client, need, "decline", reason="不对口")
    assert MatchFeedback.objects.count() == before


def test_every_result_expert_and_university_links_to_its_page(client, world, indexed):
    need = a_need(world)
    client.force_login(world.users["admin"])
    html = section(client, need)
    battery = Achievement.objects.get(external_id="p-battery")
    assert f'href="{reverse("library:achievement_detail", args=[battery.pk])}"' in html
    expert = Expert.objects.get(name="专家E1")
    assert f'href="{reverse("library:expert_detail", args=[expert.pk])}"' in html
    u1 = University.objects.get(name="测试大学U1")
    assert f'href="{reverse("library:university_detail", args=[u1.pk])}"' in html

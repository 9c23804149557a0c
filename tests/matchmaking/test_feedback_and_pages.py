"""Feedback changes later rankings; the need page's matches section and the pool search."""

from __future__ import annotations

import pytest
from django.urls import reverse

from techmayor.core.errors import ApplicationError
from techmayor.core.models import AuditLog
from techmayor.matchmaking import selectors, services
from techmayor.matchmaking.models import MatchFeedback
from techmayor.needs.choices import NeedState as S
from techmayor.needs.models import Need
from tests.needs.world import build_world

pytestmark = pytest.mark.django_db

BATTERY = "我们公司做储能产品，电池用久了容量掉得快、循环寿命短，想找人帮忙分析衰减原因。"
BATTERY_2 = "储能电池包循环寿命短，容量衰减快，希望找专家分析原因。"


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def indexed(pool):
    services.matching_index_build()
    return pool


def a_need(world, key="ly", text=BATTERY) -> Need:
    need = world.place(key, S.PUBLISHED)
    Need.objects.filter(pk=need.pk).update(title="储能电池容量衰减", description=text)
    need.refresh_from_db()
    return need


def ids(rows) -> list[str]:
    return [r.hit.id for r in rows]


def test_a_decline_demotes_the_achievement_for_this_and_similar_needs(world, indexed):
    need = a_need(world)
    other = a_need(world, "jt", BATTERY_2)
    assert ids(selectors.need_matches(need=need).achievements)[0] == "p-battery"
    before = selectors.need_matches(need=other).achievements[0]
    assert before.hit.id == "p-battery"

    fb = services.match_feedback_record(
        need=need,
        user=world.users["admin"],
        target="achievement",
        target_id="p-battery",
        accepted=False,
        reason="不对口",
    )
    assert AuditLog.objects.filter(model="matchmaking.matchfeedback", object_id=str(fb.pk), action="create").exists()
    assert ids(selectors.need_matches(need=need).achievements)[0] != "p-battery"
    similar = next(r for r in selectors.need_matches(need=other).achievements if r.hit.id == "p-battery")
    assert similar.hit.score < before.hit.score
    assert "相似需求中被婉拒（不对口）" in similar.hit.explanation.signals

    # accepting it again (the latest judgement on a target wins) brings it back
    services.match_feedback_record(
        need=need, user=world.users["admin"], target="achievement", target_id="p-battery", accepted=True
    )
    assert ids(selectors.need_matches(need=need).achievements)[0] == "p-battery"


def test_an_unreachable_expert_is_ranked_after_the_others(world, indexed):
    experts, _ = indexed
    need = a_need(world, text=BATTERY + "另外也想找人研制耐高温的压力传感器。")
    e1 = str(experts["E1"].pk)
    before = ids(selectors.need_matches(need=need).experts)
    assert before[0] == e1 and len(before) >= 2
    services.match_feedback_record(
        need=need, user=world.users["admin"], target="expert", target_id=e1, accepted=False, reason="联系不上"
    )
    other = a_need(world, "jt", BATTERY_2 + "还需要高温压力传感器。")  # every need, not only similar ones
    for n in (need, other):
        after = ids(selectors.need_matches(need=n).experts)
        assert after[0] != e1 and (e1 not in after or after[-1] == e1)


def test_feedback_is_validated(world, indexed):
    need = a_need(world)
    user = world.users["admin"]
    with pytest.raises(ApplicationError, match="婉拒须选择原因"):
        services.match_feedback_record(
            need=need, user=user, target="achievement", target_id="p-battery", accepted=False
        )
    with pytest.raises(ApplicationError, match="请填写说明"):
        services.match_feedback_record(
            need=need, user=user, target="achievement", target_id="p-battery", accepted=False, reason="其他"
        )
    with pytest.raises(ApplicationError, match="找不到成果"):
        services.match_feedback_record(need=need, user=user, target="achievement", target_id="nope", accepted=True)
    with pytest.raises(ApplicationError, match="找不到专家"):
        services.match_feedback_record(need=need, user=user, target="expert", target_id="x", accepted=True)
    assert not MatchFeedback.objects.exists()


def test_the_need_page_loads_the_section_which_shows_explained_matches(client, world, indexed):
    need = a_need(world)
    client.force_login(world.users["admin"])
    page = client.get(reverse("needs:need_detail", args=[need.pk])).content.decode()
    url = reverse("matchmaking:need_matches", args=[need.pk])
    assert f'hx-get="{url}"' in page

    html = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "锂离子电池循环寿命与容量衰减机理研究" in html  # the achievement
    assert "专家E1" in html and "测试大学U1" in html  # the expert and the university
    assert "匹配词：" in html and "<mark>" in html and "相关成果：" in html
    assert "%" not in html.replace("&#x27;", "")  # never a percentage
    assert 'value="不对口"' in html and 'value="accept"' in html


def test_out_of_scope_users_get_404(client, world, indexed):
    need = a_need(world)
    client.force_login(world.users["nobody"])
    assert client.get(reverse("matchmaking:need_matches", args=[need.pk])).status_code == 404
    response = client.post(
        reverse("matchmaking:need_feedback", args=[need.pk]),
        {"target": "achievement", "target_id": "p-battery", "decision": "accept"},
    )
    assert response.status_code == 404
    assert not MatchFeedback.objects.exists()


def test_declining_through_the_page(client, world, indexed):
    need = a_need(world)
    client.force_login(world.users["admin"])
    url = reverse("matchmaking:need_feedback", args=[need.pk])
    data = {"target": "achievement", "target_id": "p-battery", "decision": "decline", "reason": "太早期"}
    html = client.post(url, data, HTTP_HX_REQUEST="true").content.decode()
    fb = MatchFeedback.objects.get()
    assert (fb.accepted, fb.reason, fb.user, fb.need) == (False, "太早期", world.users["admin"], need)
    assert AuditLog.objects.get(model="matchmaking.matchfeedback").source == "web"
    assert "匹配推荐" in html

    response = client.post(url, {**data, "reason": ""})  # no reason: an error, nothing stored
    assert response.status_code == 302
    assert MatchFeedback.objects.count() == 1


def test_without_an_index_the_section_says_what_happens_next_never_an_empty_card(client, world, pool):
    from techmayor.core.models import Job, JobStatus

    need = a_need(world)
    url = reverse("matchmaking:need_matches", args=[need.pk])
    client.force_login(world.users["admin"])
    html = client.get(url).content.decode()
    # an administrator is offered the build, which posts to the index page's rebuild
    assert "匹配索引尚未建立" in html and "建立匹配索引" in html
    assert f'action="{reverse("matchmaking:index")}"' in html
    client.force_login(world.users["member"])
    html = client.get(url).content.decode()
    assert "请联系市管理员建立匹配索引" in html and "建立匹配索引</button>" not in html
    # while a build is queued or running, everyone is told so
    Job.objects.create(kind=services.INDEX_JOB, label="重建匹配索引", status=JobStatus.RUNNING)
    for who in ("member", "admin"):
        client.force_login(world.users[who])
        html = client.get(url).content.decode()
        assert "匹配索引正在建立（进行中）" in html and "建立匹配索引</button>" not in html, who


def test_pool_search(client, world, indexed):
    client.force_login(world.users["member"])
    html = client.get(reverse("matchmaking:search"), {"q": "印染废水 COD 高"}).content.decode()
    assert "印染废水的混凝与高级氧化组合处理" in html
    assert "匹配词" in html
    assert client.get(reverse("matchmaking:search")).status_code == 200
    client.logout()
    assert client.get(reverse("matchmaking:search")).status_code == 302


@pytest.mark.parametrize("who", ["admin", "district", "owner"])
def test_the_need_page_shows_the_needs_top_three_disciplines(client, world, indexed, who):
    need = a_need(world)
    routes = selectors.need_matches(need=need).disciplines
    assert 1 <= len(routes) <= 3 and routes[0].label == "材料科学与工程" and routes[0].space == "discipline"
    client.force_login(world.users[who])
    html = client.get(reverse("matchmaking:need_matches", args=[need.pk])).content.decode()
    assert 'id="need-disciplines"' in html and "所属学科（前三）：" in html
    assert html.index('data-discipline="材料科学与工程"') < html.index("专家E1")  # above the matches
    assert "%" not in html.replace("&#x27;", "")


def test_the_disciplines_of_a_need_are_not_shown_out_of_scope(client, world, indexed):
    need = a_need(world)
    client.force_login(world.users["nobody"])
    response = client.get(reverse("matchmaking:need_matches", args=[need.pk]))
    assert response.status_code == 404 and b"need-disciplines" not in response.content

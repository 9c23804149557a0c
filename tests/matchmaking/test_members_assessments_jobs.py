"""Member recommendations and context on the need page, need assessments ("has a good match")
and the need list sorted by them, index builds as background jobs, and the index kept current
when records change."""

from __future__ import annotations

import copy
import pickle
import re

import pytest
from django.urls import reverse
from django.utils import translation

from techmayor.core.models import Job, JobStatus
from techmayor.matching.words import Reason, gettext_noop
from techmayor.matchmaking import selectors, services
from techmayor.matchmaking.models import MatchFeedback, MatchLevel, NeedMatch
from techmayor.needs.choices import NeedState as S
from techmayor.needs.models import Need
from techmayor.resources.models import Achievement
from techmayor.roster.models import Tenure
from tests.needs.world import build_world

from .test_feedback_and_pages import BATTERY, a_need

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def indexed(pool):
    services.matching_index_build()
    return pool


def _tenure(member) -> Tenure:
    return Tenure.objects.get(member=member)


# ---------------------------------------------------------------- members and context


def test_members_recommended_with_reasons_owner_left_out(client, world, indexed):
    _experts, universities = indexed
    place = world.places["ly"]
    specialist = place.spare
    specialist.expertise = "锂离子电池材料与储能系统容量衰减分析"
    specialist.save()
    unit = _tenure(place.requester).dispatch_unit
    unit.university = universities["U1"]
    unit.save()
    need = a_need(world)  # published: no owner yet

    results = selectors.need_matches(need=need, user=world.users["admin"])
    ranked = [r.hit.id for r in results.members]
    assert 1 <= len(ranked) <= 3
    assert ranked[0] == str(specialist.pk)
    top = results.members[0].hit
    assert top.reasons[0].startswith("专业特长相关：") and "电池" in top.reasons[0]
    home = next(r for r in results.members if r.hit.id == str(place.requester.pk))
    assert any(r.startswith(f"后方单位{unit.name}在匹配高校中排第 1 位") for r in home.hit.reasons)
    assert all("所在支团服务溧阳市" in r.hit.reasons for r in results.members)

    client.force_login(world.users["admin"])
    html = client.get(reverse("matchmaking:need_matches", args=[need.pk])).content.decode()
    assert "建议负责的成员" in html and specialist.name in html
    assert reverse("roster:member_detail", args=[specialist.pk]) in html

    owned = world.place("ly", S.CLAIMED)
    Need.objects.filter(pk=owned.pk).update(owner=specialist)
    owned.refresh_from_db()
    again = selectors.need_matches(need=owned, user=world.users["admin"])
    assert str(specialist.pk) not in [r.hit.id for r in again.members]  # the owner is not recommended
    assert str(place.collaborator.pk) not in [r.hit.id for r in again.members]
    html = client.get(reverse("matchmaking:need_matches", args=[owned.pk])).content.decode()
    assert "可邀请协同的成员" in html


def test_recommended_members_link_only_to_pages_the_viewer_may_read(client, world, indexed):
    need = a_need(world, "jt")  # 金坛团's published need, open to every member of the batch
    jintan = {str(t.member_id) for t in Tenure.objects.filter(group=world.jintan)}
    viewer = world.users["member"]  # a member of 溧阳团: 金坛团's member pages are not theirs to read
    rows = selectors.need_matches(need=need, user=viewer).members
    assert {r.hit.id for r in rows} & jintan
    assert all(r.member is None for r in rows if r.hit.id in jintan)

    client.force_login(viewer)
    html = client.get(reverse("matchmaking:need_matches", args=[need.pk])).content.decode()
    for r in rows:
        assert r.hit.name in html
        link = reverse("roster:member_detail", args=[r.hit.id])
        assert (link in html) == (r.member is not None)
        if r.member is not None:
            assert client.get(link).status_code == 200

    admin_rows = selectors.need_matches(need=need, user=world.users["admin"]).members
    assert all(r.member is not None for r in admin_rows)


def test_reasons_and_signals_in_the_readers_language(client, world, indexed):
    _experts, universities = indexed
    unit = _tenure(world.users["member"].member).dispatch_unit
    unit.university = universities["U1"]
    unit.save()
    need = a_need(world)
    client.force_login(world.users["member"])
    path = reverse("matchmaking:need_matches", args=[need.pk])
    english = client.get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Their group serves 溧阳市" in english and "From a member&#x27;s home unit" in english
    assert re.search(r"Owns (no open need|\d+ open needs) at present", english)
    assert "所在支团服务" not in english and "后方单位" not in english and "未办结需求" not in english
    chinese = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "所在支团服务溧阳市" in chinese and "来自成员的后方单位" in chinese


def test_a_reason_is_its_chinese_and_keeps_its_template():
    reason = Reason(gettext_noop("所在支团服务{district}"), district="溧阳市")
    assert reason == "所在支团服务溧阳市" and isinstance(reason, str)
    for copied in (copy.deepcopy(reason), pickle.loads(pickle.dumps(reason))):
        assert (
            copied == reason and copied.template == "所在支团服务{district}" and copied.values == {"district": "溧阳市"}
        )
    assert selectors.say(Reason(gettext_noop("当前负责 {n} 项未办结需求"), n=2)) == "当前负责 2 项未办结需求"
    with translation.override("en"):
        assert selectors.say(reason) == "Their group serves 溧阳市"
        assert selectors.say("未标记的文字") == "未标记的文字"


def test_the_viewers_home_unit_is_a_signal(world, indexed):
    _experts, universities = indexed
    member_user = world.users["member"]
    unit = _tenure(member_user.member).dispatch_unit
    unit.university = universities["U3"]
    unit.save()
    need = a_need(world, text="印染废水处理和重金属污染土壤修复")
    context = selectors.search_context(need=need, user=member_user)
    assert context.home_university_ids == {universities["U3"].code}
    assert context.region == "常州市"
    results = selectors.need_matches(need=need, user=member_user)
    assert any("来自成员的后方单位" in s for r in results.achievements for s in r.hit.explanation.signals)
    assert not selectors.search_context(need=need, user=world.users["admin"]).home_university_ids


def test_university_judgements_change_the_university_order(world, indexed):
    need = a_need(world, text="印染废水处理和重金属污染土壤修复")
    before = [r.hit.id for r in selectors.need_matches(need=need).universities]
    assert len(before) >= 2
    admin = world.users["admin"]
    services.match_feedback_record(
        need=need, user=admin, target="university", target_id=before[0], accepted=False, reason="已有合作"
    )
    after = [r.hit.id for r in selectors.need_matches(need=need).universities]
    assert after[0] != before[0]


# ---------------------------------------------------------------- assessments and the list


def test_assessments_rate_needs_and_skip_unchanged_text(world, indexed):
    good = a_need(world)
    weak = a_need(world, key="jt", text="需要一套企业资源计划系统的实施顾问")
    Need.objects.filter(pk=weak.pk).update(title="信息化顾问")
    assert services.need_assessments_refresh() == Need.objects.count()
    g, w = NeedMatch.objects.get(need=good), NeedMatch.objects.get(need=weak)
    assert g.level == MatchLevel.GOOD and g.external_id == "p-battery" and g.expert is not None
    assert "电池" in "".join(g.matched_terms)
    assert w.level in (MatchLevel.WEAK, MatchLevel.NONE) and w.evidence < g.evidence
    assert services.need_assessments_refresh() == 0  # nothing changed
    Need.objects.filter(pk=weak.pk).update(description="印染废水色度深、COD高，需要组合处理工艺")
    assert services.need_assessments_refresh() == 1
    assert NeedMatch.objects.get(need=weak).level == MatchLevel.GOOD


def test_an_accepted_match_marks_the_need_well_matched(world, indexed):
    need = a_need(world, key="jt", text="需要一套企业资源计划系统的实施顾问")
    Need.objects.filter(pk=need.pk).update(title="信息化顾问")
    services.need_assessments_refresh()
    assert NeedMatch.objects.get(need=need).level != MatchLevel.GOOD
    user = world.users["admin"]
    services.match_feedback_record(need=need, user=user, target="achievement", target_id="c-7", accepted=True)
    summary = NeedMatch.objects.get(need=need)
    assert summary.has_accepted and summary.level == MatchLevel.GOOD
    services.match_feedback_record(
        need=need, user=user, target="achievement", target_id="c-7", accepted=False, reason="不对口"
    )
    summary.refresh_from_db()
    assert not summary.has_accepted
    # the latest judgement counts, in a full refresh too
    services.need_assessments_refresh([need.pk], force=True)
    summary.refresh_from_db()
    assert not summary.has_accepted and summary.level != MatchLevel.GOOD


def test_the_need_list_sorts_and_filters_by_match(client, world, indexed):
    good = a_need(world)
    weak = a_need(world, key="jt", text="需要一套企业资源计划系统的实施顾问")
    Need.objects.filter(pk=weak.pk).update(title="信息化顾问")
    services.need_assessments_refresh()
    client.force_login(world.users["admin"])
    url = reverse("needs:need_list")
    html = client.get(url, {"order": "match"}).content.decode()
    assert html.index(f'href="/needs/{good.pk}/"') < html.index(f'href="/needs/{weak.pk}/"')
    assert 'data-match="good"' in html and "匹配良好" in html
    # the weak need first once it has an accepted match
    services.match_feedback_record(
        need=weak, user=world.users["admin"], target="achievement", target_id="c-7", accepted=True
    )
    html = client.get(url, {"order": "match"}).content.decode()
    assert html.index(f'href="/needs/{weak.pk}/"') < html.index(f'href="/needs/{good.pk}/"')
    listed = client.get(url, {"match": "good"}).content.decode()
    assert f'href="/needs/{good.pk}/"' in listed
    unassessed = Need.objects.exclude(match_summary__isnull=False).exclude(state=S.MERGED).first()
    assert unassessed is None or f'href="/needs/{unassessed.pk}/"' not in listed
    assert client.get(url, {"order": "bogus"}).status_code == 200  # an invalid choice: no rows, no error


# ---------------------------------------------------------------- jobs


def test_an_index_build_runs_as_a_job_with_progress(world, pool, django_capture_on_commit_callbacks):
    assert not services.index_exists()
    with django_capture_on_commit_callbacks(execute=True):
        job = services.index_build_submit(by=world.users["admin"])
        assert services.index_build_submit(by=world.users["admin"]) == job  # one at a time
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.message
    assert job.started_at and job.finished_at and job.created_by == world.users["admin"]
    assert job.total == Need.objects.count() and job.done == job.total
    assert f"索引已建立：{Achievement.objects.count()} 条成果" in job.message
    assert services.index_exists()
    assert NeedMatch.objects.count() == Need.objects.count()
    # finished: the next submission is a new job
    with django_capture_on_commit_callbacks(execute=True):
        assert services.index_build_submit().pk != job.pk


def test_a_failing_job_records_the_reason(world, pool, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = services.index_build_submit()
    Achievement.objects.all().delete()  # the pool emptied before the worker got to it
    for callback in callbacks:
        callback()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "资源池中还没有科技成果" in job.message
    assert not services.index_exists()


def test_the_index_page_is_for_administrators(client, world, pool, django_capture_on_commit_callbacks):
    url = reverse("matchmaking:index")
    client.force_login(world.users["member"])
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert not Job.objects.exists()

    assert f'href="{url}"' not in client.get(reverse("web:home")).content.decode()
    client.force_login(world.users["admin"])
    assert f'href="{url}"' in client.get(reverse("web:home")).content.decode()  # in the account menu
    assert "尚未建立匹配索引" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    job = Job.objects.get()
    html = client.get(url).content.decode()
    assert 'data-status="done"' in html and 'id="indexed">30<' in html
    fragment = client.get(reverse("matchmaking:job", args=[job.pk])).content.decode()
    assert "hx-trigger" not in fragment  # finished: it stops polling
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, done=10, total=30)
    fragment = client.get(reverse("matchmaking:job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in fragment and 'aria-valuenow="10"' in fragment


# ---------------------------------------------------------------- the index follows the records


def test_edits_and_deletions_reach_the_index(world, indexed, django_capture_on_commit_callbacks):
    need = "超导量子干涉器件的低温读出电路"
    matcher = services.matcher_get()
    assert all(h.id != "p-yarn" for h in matcher.search(need, k=3))
    yarn = Achievement.objects.get(external_id="p-yarn")
    with django_capture_on_commit_callbacks(execute=True):
        yarn.title = "超导量子干涉器件低温读出电路设计"
        yarn.save()
    assert services.matcher_get().search(need, k=1)[0].id == "p-yarn"
    with django_capture_on_commit_callbacks(execute=True):
        yarn.delete()
    assert all(h.id != "p-yarn" for h in services.matcher_get().search(need, k=3))


def test_a_new_or_reworded_need_is_assessed(world, indexed, django_capture_on_commit_callbacks):
    need = world.needs["jt"]
    with django_capture_on_commit_callbacks(execute=True):
        need.description = BATTERY
        need.save()
    assert NeedMatch.objects.get(need=need).external_id == "p-battery"
    assert MatchFeedback.objects.count() == 0


def test_a_state_change_queues_no_assessment(world, indexed, django_capture_on_commit_callbacks):
    need = world.needs["jt"]
    services.need_assessments_refresh([need.pk])
    with django_capture_on_commit_callbacks() as callbacks:
        need.state = S.PUBLISHED
        need.save()
    assert callbacks == []
    with django_capture_on_commit_callbacks() as callbacks:
        need.title = "储能电池容量衰减"
        need.save()
    assert len(callbacks) == 1

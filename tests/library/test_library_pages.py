"""The expert library through HTTP: who may read and keep it, the expert page (results, needs
matched, feedback), a result's enterprises with reasons, merging duplicates, and the index
following every change."""

from __future__ import annotations

import pytest
from django.urls import reverse

from techmayor.core.models import AuditLog
from techmayor.matchmaking import services as matching
from techmayor.matchmaking.models import MatchFeedback, NeedMatch
from techmayor.resources.models import Achievement, Expert

pytestmark = pytest.mark.django_db


def login(client, lib, who):
    client.force_login(lib.users[who])
    return client


def battery(lib) -> Achievement:
    return Achievement.objects.get(external_id="p-battery")


@pytest.mark.parametrize(
    "who, status", [("admin", 200), ("member", 200), ("town", 200), ("leader", 200), ("nobody", 403)]
)
def test_every_role_reads_the_library_and_a_login_without_a_role_does_not(client, lib, who, status):
    login(client, lib, who)
    e1 = lib.experts["E1"]
    for url in (
        reverse("library:expert_list"),
        reverse("library:expert_detail", args=[e1.pk]),
        reverse("library:achievement_detail", args=[battery(lib).pk]),
        reverse("library:university_detail", args=[lib.u1.pk]),
        reverse("library:planner"),
    ):
        assert client.get(url).status_code == status, url
    client.logout()
    assert client.get(reverse("library:expert_list")).status_code == 302  # to the login page


@pytest.mark.parametrize(
    "who, own, other, add",
    [
        ("admin", 200, 200, 200),
        ("member", 200, 403, 200),
        ("owner", 403, 403, 200),  # may add experts of their own unit (an organisation, not a university)
        ("town", 403, 403, 403),
        ("leader", 403, 403, 403),
    ],
)
def test_administrators_edit_every_expert_members_those_of_their_dispatching_unit(client, lib, who, own, other, add):
    """``member``'s unit is U1 (E1's university); ``owner`` serves from a unit that is no university."""
    login(client, lib, who)
    assert client.get(reverse("library:expert_edit", args=[lib.experts["E1"].pk])).status_code == own
    assert client.get(reverse("library:expert_edit", args=[lib.experts["E3"].pk])).status_code == other  # U2
    assert client.get(reverse("library:expert_create")).status_code == add


def test_a_member_adds_and_edits_an_expert_of_their_unit_audited(client, lib):
    login(client, lib, "member")
    data = {"name": "新专家", "title": "教授", "university": lib.u1.pk, "organization": "材料学院",
            "disciplines": "电池材料、储能", "bio": "", "email": ""}  # fmt: skip
    response = client.post(reverse("library:expert_create"), data)
    expert = Expert.objects.get(name="新专家")
    assert response.status_code == 302 and response.url == reverse("library:expert_detail", args=[expert.pk])
    assert (expert.university, expert.disciplines, expert.created_by) == (
        lib.u1,
        ["电池材料", "储能"],
        lib.users["member"],
    )
    assert AuditLog.objects.filter(model="resources.expert", object_id=str(expert.pk), action="create").exists()

    # the same name at the same university again is refused with a message naming the field
    response = client.post(reverse("library:expert_create"), data)
    assert response.status_code == 200 and "专家库中已有" in response.content.decode()
    # another university than the unit's is not offered; an organisation not the unit's is refused
    response = client.post(reverse("library:expert_create"), {**data, "name": "乙", "university": lib.u2.pk})
    assert response.status_code == 200 and not Expert.objects.filter(name="乙").exists()
    response = client.post(
        reverse("library:expert_create"), {**data, "name": "丙", "university": "", "organization": "某研究所"}
    )
    assert "只能为本派出单位新增专家" in response.content.decode() and not Expert.objects.filter(name="丙").exists()

    response = client.post(reverse("library:expert_edit", args=[expert.pk]), {**data, "title": "研究员"})
    assert response.status_code == 302
    expert.refresh_from_db()
    assert expert.title == "研究员"
    assert AuditLog.objects.filter(model="resources.expert", object_id=str(expert.pk), action="update").exists()
    # bad input: a message, never a server error
    response = client.post(reverse("library:expert_edit", args=[expert.pk]), {"name": "", "email": "x"})
    assert response.status_code == 200 and "is-invalid" in response.content.decode()


def test_a_result_added_in_the_ui_is_in_the_index_at_once(client, lib, django_capture_on_commit_callbacks):
    matching.matching_index_build()
    login(client, lib, "member")
    e1 = lib.experts["E1"]
    data = {"kind": "offer", "title": "钠离子电池正极材料的低成本制备", "external_id": "",
            "abstract": "层状氧化物正极，钠离子电池循环稳定", "keywords": "钠离子电池、正极", "discipline": "",
            "year": "2023", "experts": [e1.pk]}  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("library:achievement_create") + f"?expert={e1.pk}", data)
    result = Achievement.objects.get(title=data["title"])
    assert response.status_code == 302 and list(result.experts.all()) == [e1] and result.university == lib.u1
    assert result.external_id.startswith("tm-offer-")
    hits = matching.matcher_get().search("钠离子电池正极", target="achievements", k=3)
    assert hits[0].id == result.external_id
    # a member may not attach a result to an expert of another unit
    data2 = {**data, "title": "别人的成果", "experts": [lib.experts["E3"].pk]}
    response = client.post(reverse("library:achievement_create"), data2)
    assert response.status_code == 200 and not Achievement.objects.filter(title="别人的成果").exists()
    assert client.get(reverse("library:achievement_edit", args=[battery(lib).pk])).status_code == 200
    assert (
        client.get(
            reverse("library:achievement_edit", args=[Achievement.objects.get(external_id="p-rice").pk])
        ).status_code
        == 403
    )


def test_the_expert_page_lists_results_needs_matched_and_the_feedback_given(client, lib):
    matching.matching_index_build()
    need = lib.world.needs["ly"]
    matching.need_assessments_refresh(force=True)
    e1 = lib.experts["E1"]
    assert NeedMatch.objects.filter(need=need, expert=e1).exists()
    matching.match_feedback_record(
        need=need, user=lib.users["admin"], target="achievement", target_id="p-battery", accepted=True
    )
    matching.match_feedback_record(
        need=lib.world.needs["jt"],
        user=lib.users["admin"],
        target="expert",
        target_id=str(e1.pk),
        accepted=False,
        reason="太早期",
        reason_text="还在实验室阶段",
    )
    page = login(client, lib, "admin").get(reverse("library:expert_detail", args=[e1.pk])).content.decode()
    assert "锂离子电池循环寿命与容量衰减机理研究" in page  # a result of theirs
    assert reverse("needs:need_detail", args=[need.pk]) in page and "首位推荐专家" in page
    assert "已采纳" in page and "已婉拒：太早期" in page and "还在实验室阶段" in page
    # a member of 溧阳团 sees the 溧阳 need's judgements but not those on 金坛's need
    client.force_login(lib.users["member"])
    page = client.get(reverse("library:expert_detail", args=[e1.pk])).content.decode()
    assert "还在实验室阶段" not in page


def test_a_result_page_lists_the_enterprises_that_want_it_each_with_its_reason(client, lib):
    page = (
        login(client, lib, "admin").get(reverse("library:achievement_detail", args=[battery(lib).pk])).content.decode()
    )
    ly, jt, wx = (lib.world.needs[k] for k in ("ly", "jt", "wx"))
    assert ly.enterprise.name in page and jt.enterprise.name in page
    assert wx.enterprise.name not in page  # 无锡's enterprise is outside the 常州 administrator's scope
    assert reverse("needs:need_detail", args=[ly.pk]) in page  # the need that says so, linked
    assert '<mark lang="zh-Hans">容量衰减</mark>' in page or '<mark lang="zh-Hans">衰减</mark>' in page
    # a result nobody asked for finds nobody, and says so
    page = client.get(reverse("library:achievement_detail", args=[Achievement.objects.get(external_id="p-fish").pk]))
    assert "暂未找到可能需要的企业" in page.content.decode()


def test_an_enterprise_whose_need_declined_the_result_as_off_topic_is_left_out(client, lib):
    matching.matching_index_build()
    jt = lib.world.needs["jt"]
    matching.match_feedback_record(
        need=jt, user=lib.users["admin"], target="achievement", target_id="p-battery", accepted=False, reason="不对口"
    )
    page = (
        login(client, lib, "admin").get(reverse("library:achievement_detail", args=[battery(lib).pk])).content.decode()
    )
    assert jt.enterprise.name not in page and lib.world.needs["ly"].enterprise.name in page


def test_merging_a_duplicate_keeps_every_link_and_is_audited(client, lib, django_capture_on_commit_callbacks):
    matching.matching_index_build()
    e1 = lib.experts["E1"]
    dup = Expert.objects.create(name=e1.name, university=lib.u1, email="e1@example.edu.cn")
    extra = Achievement.objects.create(
        kind="paper", external_id="p-dup", title="固态电解质界面膜的原位表征", university=lib.u1
    )
    extra.experts.add(dup)
    need = lib.world.needs["ly"]
    matching.match_feedback_record(
        need=need, user=lib.users["admin"], target="expert", target_id=str(dup.pk), accepted=True
    )
    matching.matching_index_build()
    login(client, lib, "member")
    page = client.get(reverse("library:expert_merge", args=[e1.pk])).content.decode()
    assert f'value="{dup.pk}"' in page  # the same name at the same university is offered
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("library:expert_merge", args=[e1.pk]), {"duplicate": dup.pk})
    assert response.status_code == 302
    dup.refresh_from_db()
    e1.refresh_from_db()
    assert dup.merged_into == e1 and e1.email == "e1@example.edu.cn"
    assert set(extra.experts.all()) == {e1} and dup.achievements.count() == 0
    assert MatchFeedback.objects.get(need=need, target="expert").expert == e1
    assert AuditLog.objects.filter(model="resources.expert", object_id=str(dup.pk), note__contains="合并到").exists()
    assert AuditLog.objects.filter(
        model="resources.expert", object_id=str(e1.pk), note__contains="合并重复专家"
    ).exists()
    # the index follows: the moved result now counts for the kept expert, the duplicate is gone
    hits = matching.matcher_get().search("固态电解质界面膜", target="experts", k=3)
    assert hits[0].id == str(e1.pk) and str(dup.pk) not in [h.id for h in hits]
    # the duplicate's page leads to the kept expert; it is no longer listed nor mergeable
    assert client.get(reverse("library:expert_detail", args=[dup.pk])).url == reverse(
        "library:expert_detail", args=[e1.pk]
    )
    assert dup.pk not in [e.pk for e in client.get(reverse("library:expert_list")).context["page"].object_list]
    response = client.post(reverse("library:expert_merge", args=[e1.pk]), {"duplicate": dup.pk})
    assert response.status_code == 200 and "请选择一位可以合并的专家" in response.content.decode()


def test_a_member_cannot_merge_an_expert_of_another_unit(client, lib):
    login(client, lib, "member")
    e1, e3 = lib.experts["E1"], lib.experts["E3"]
    response = client.post(reverse("library:expert_merge", args=[e1.pk]), {"duplicate": e3.pk})
    assert response.status_code == 200 and Expert.objects.get(pk=e3.pk).merged_into is None
    assert client.post(reverse("library:expert_merge", args=[e3.pk]), {"duplicate": e1.pk}).status_code == 403
    assert client.post(reverse("library:expert_merge", args=[e1.pk]), {"duplicate": "9" * 30}).status_code == 200


def test_the_list_searches_and_narrows_to_the_members_unit(client, lib):
    login(client, lib, "member")
    page = client.get(reverse("library:expert_list"), {"q": lib.u2.name}).context["page"]
    assert {e.university_id for e in page.object_list} == {lib.u2.pk}
    mine = client.get(reverse("library:expert_list"), {"mine": "1"}).context["page"]
    assert mine.paginator.count and {e.university_id for e in mine.object_list} == {lib.u1.pk}


def test_the_list_costs_the_same_queries_however_many_experts(client, lib):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, lib, "member")
    url = reverse("library:expert_list") + "?per_page=100"
    client.get(url)  # warm the session and the user's roles
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    Expert.objects.bulk_create(Expert(name=f"专家甲{i}", university=lib.u2) for i in range(40))
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(url).context["page"].object_list) > 40
    assert len(many) == len(few)


def test_results_and_universities_are_reached_by_the_ids_the_engine_knows(client, lib):
    login(client, lib, "member")
    response = client.get(reverse("library:achievement_by_external_id"), {"id": "p-battery"})
    assert response.url == reverse("library:achievement_detail", args=[battery(lib).pk])
    assert client.get(reverse("library:achievement_by_external_id"), {"id": "nope"}).status_code == 404
    response = client.get(reverse("library:university_by_code", args=[lib.u1.code]))
    assert response.url == reverse("library:university_detail", args=[lib.u1.pk])
    assert client.get(reverse("library:university_by_code", args=["x" * 40])).status_code == 404

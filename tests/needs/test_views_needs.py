"""The need pages through HTTP: every role × scope on list, detail and export; a constant number of
queries per list page; the loop driven through the pages; merge, timeline, export details."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from techmayor.core.models import AuditLog
from techmayor.needs.choices import CollaboratorStatus
from techmayor.needs.choices import NeedState as S
from techmayor.needs.models import Need, NeedCollaborator, NeedTransition, ProgressEntry
from techmayor.needs.services import need_create
from tests.factories import EnterpriseFactory, member_in
from tests.needs.world import MEMBERS, OWNED, ROLES, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def visible(role: str, key: str, state: str) -> bool:
    """Who reads which need (the scope rules of ``needs.selectors``)."""
    if role == "nobody" or key == "wx":
        return False
    if key == "jt":
        return role in ("admin", "leader") or (state == S.PUBLISHED and role in MEMBERS)
    if role in ("admin", "leader", "district", "town", "group_leader", "credited"):
        return True
    if state == S.PUBLISHED and role in MEMBERS:
        return True
    return role in ("owner", "collaborator", "invitee") and state in OWNED


def exported_ids(response) -> set[int]:
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(book.active.iter_rows(min_row=2, values_only=True))
    return {row[0] for row in rows if row and row[0] is not None}


@pytest.mark.parametrize("state", [S.PENDING, S.VERIFIED, S.PUBLISHED, S.CLAIMED, S.COMPLETED])
def test_every_role_reads_only_its_scope_on_list_detail_and_export(client, world, state):
    for key in ("ly", "jt", "wx"):
        world.place(key, state)
    wrong = []
    for role in ROLES:
        client.force_login(world.users[role])
        listed = client.get(reverse("needs:need_list"), {"per_page": 100}).content.decode()
        exported = exported_ids(client.get(reverse("needs:need_export")))
        for key, need in world.needs.items():
            want = visible(role, key, state)
            detail = client.get(reverse("needs:need_detail", args=[need.pk])).status_code
            in_list = f'href="/needs/{need.pk}/"' in listed
            in_export = need.pk in exported
            if (detail == 200, in_list, in_export) != (want, want, want):
                wrong.append((role, key, detail, in_list, in_export))
    assert wrong == []


def test_a_liyang_member_cannot_reach_jintan_through_any_url(client, world):
    """What only 金坛团 may see: not in lists, exports, details, forms, leads or attachments of 溧阳 members."""
    need = world.place("jt", S.CLAIMED)
    other = world.places["jt"]
    client.force_login(world.users["group_leader"])
    pk = need.pk
    link = world.link("jt", "requester")
    gets = [
        reverse("needs:need_detail", args=[pk]),
        reverse("needs:need_edit", args=[pk]),
        reverse("needs:need_complete", args=[pk]),
        reverse("needs:need_merge", args=[pk]),
        reverse("needs:need_progress", args=[pk]),
        reverse("needs:collaborator_invite", args=[pk]),
        reverse("needs:outcome_add", args=[pk]),
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    posts = [
        reverse("needs:need_action", args=[pk, "release"]),
        reverse("needs:need_action", args=[pk, "cancel"]),
        reverse("needs:collaborator_request", args=[pk]),
        reverse("needs:collaborator_accept", args=[pk, link.pk]),
        reverse("needs:collaborator_leave", args=[pk, link.pk]),
    ]
    for url in posts:
        assert client.post(url, {"reason": "x"}).status_code == 404, url
    need.refresh_from_db()
    assert need.state == S.CLAIMED and need.owner == other.owner
    assert not NeedCollaborator.objects.filter(need=need, member=world.members["group_leader"]).exists()
    page = client.get(reverse("needs:need_list"), {"q": need.title}).content.decode()
    assert f'href="/needs/{pk}/"' not in page
    assert pk not in exported_ids(client.get(reverse("needs:need_export"), {"group": world.jintan.pk}))


def test_list_filters(client, world):
    world.place("ly", S.CLAIMED)
    world.place("jt", S.PUBLISHED)
    Need.objects.filter(pk=world.needs["jt"].pk).update(is_bottleneck=True, urgency="urgent", kind="talent")
    client.force_login(world.users["admin"])

    def listed(**params):
        html = client.get(reverse("needs:need_list"), params).content.decode()
        return {key for key, need in world.needs.items() if f'href="/needs/{need.pk}/"' in html}

    assert listed() == {"ly", "jt"}
    assert listed(state=S.CLAIMED) == {"ly"}
    assert listed(group=world.jintan.pk) == {"jt"}
    assert listed(bottleneck="1") == {"jt"}
    assert listed(bottleneck="0") == {"ly"}
    assert listed(urgency="urgent") == {"jt"}
    assert listed(kind="talent") == {"jt"}
    assert listed(owner=world.members["owner"].pk) == {"ly"}
    assert listed(q=world.needs["jt"].enterprise.name) == {"jt"}
    assert listed(state="nonsense") == set()  # an invalid choice shows the form error, not everything
    client.force_login(world.users["owner"])
    html = client.get(reverse("needs:need_list"), {"mine": "1"}).content.decode()
    assert f'href="/needs/{world.needs["ly"].pk}/"' in html


def test_htmx_gets_only_the_results(client, world):
    world.place("ly", S.PUBLISHED)
    client.force_login(world.users["admin"])
    response = client.get(reverse("needs:need_list"), {"state": S.PUBLISHED}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and f'href="/needs/{world.needs["ly"].pk}/"' in body


def _many_needs(group, region, count, member=None):
    enterprise = EnterpriseFactory(region=region)
    member = member or member_in(group)
    for i in range(count):
        need_create(
            batch=group.batch,
            group=group,
            enterprise=enterprise,
            title=f"需求{i}",
            description="描述",
            date=dt.date(2022, 1, 10),
            members=[member],
            region=region,
        )


@pytest.mark.parametrize("role", ["admin", "town", "group_leader", "credited"])
def test_the_list_page_costs_the_same_number_of_queries_whatever_its_size(
    client, world, role, django_assert_num_queries
):
    client.force_login(world.users[role])
    url = reverse("needs:need_list")
    params = {"per_page": 100, "stale": "0"}
    client.get(url, params)  # warm up (session, content types)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url, params).status_code == 200
    _many_needs(world.liyang, world.town_ly, 30, member=world.members["credited"])
    Need.objects.filter(group=world.liyang).update(owner=world.members["owner"], state=S.CLAIMED)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url, params)
    assert response.context["page"].paginator.count >= 30


def test_export_is_the_filtered_list_and_defuses_formulas(client, world):
    world.place("ly", S.PUBLISHED)
    world.place("jt", S.PENDING)
    Need.objects.filter(pk=world.needs["ly"].pk).update(title='=HYPERLINK("http://evil","点我")')
    client.force_login(world.users["admin"])
    response = client.get(reverse("needs:need_export"), {"state": S.PUBLISHED})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("编号", "受理编号", "需求标题")
    assert [r[0] for r in rows[1:]] == [world.needs["ly"].pk]
    title = book.active["C2"]
    assert (title.value, title.data_type) == ('=HYPERLINK("http://evil","点我")', "s")


def test_the_loop_through_the_pages(client, world):
    """Town verifies, the city publishes, a member claims, reports progress, invites a collaborator,
    submits the completion; the city approves; the owner adds an outcome round; the city approves it."""
    need = world.place("ly", S.PENDING)
    detail = reverse("needs:need_detail", args=[need.pk])

    def act(role, action, status=302, **data):
        client.force_login(world.users[role])
        response = client.post(reverse("needs:need_action", args=[need.pk, action]), data)
        assert response.status_code == status, response.content[:500]
        need.refresh_from_db()

    act("town", "verify")
    assert need.state == S.VERIFIED
    act("admin", "return", reason="")  # a return needs a reason: refused with a message
    assert need.state == S.VERIFIED
    act("admin", "publish")
    act("owner", "claim")
    assert need.state == S.CLAIMED and need.owner == world.members["owner"]
    act("member", "claim", status=404)  # already claimed: the member cannot even see it any more
    assert need.owner == world.members["owner"]

    client.force_login(world.users["owner"])
    page = client.get(detail).content.decode()
    assert f"/needs/{need.pk}/progress/" in page and f"/needs/{need.pk}/complete/" in page
    assert f"/needs/{need.pk}/do/publish/" not in page
    response = client.post(
        reverse("needs:need_progress", args=[need.pk]),
        {"date": "2022-02-01", "current_status": "已对接东南大学", "next_step": "安排专家到企业"},
    )
    assert response.status_code == 302
    spare = world.places["ly"].spare
    client.post(reverse("needs:collaborator_invite", args=[need.pk]), {"member": spare.pk})
    assert NeedCollaborator.objects.get(need=need, member=spare).status == CollaboratorStatus.INVITED
    response = client.post(reverse("needs:need_complete", args=[need.pk]), {"solution": ""})
    assert response.status_code == 200 and "该字段是必填项" in response.content.decode()
    client.post(reverse("needs:need_complete", args=[need.pk]), {"solution": "与东南大学签订技术开发合同"})
    need.refresh_from_db()
    assert need.state == S.COMPLETION_SUBMITTED

    act("admin", "approve_completion")
    assert need.state == S.COMPLETED and need.completed_at
    client.force_login(world.users["owner"])
    client.post(
        reverse("needs:outcome_add", args=[need.pk]),
        {
            "date": "2022-03-01",
            "signed_amount_wan": "120",
            "received_amount_wan": "40",
            "investment_wan": "0",
            "talents": "2",
            "patents": "1",
        },
    )
    outcome = need.outcome_rounds.get()
    assert not outcome.is_approved
    client.force_login(world.users["admin"])
    client.post(reverse("needs:outcome_approve", args=[need.pk, outcome.pk]))
    outcome.refresh_from_db()
    assert outcome.is_approved

    page = client.get(detail).content.decode()
    for text in ("待核实 → 待审核", "待审核 → 已发布", "已发布 → 对接中", "已对接东南大学", "已完成", "120"):
        assert text in page, text
    assert [t.action for t in NeedTransition.objects.filter(need=need)] == [
        "verify",
        "publish",
        "claim",
        "submit_completion",
        "approve_completion",
    ]
    assert AuditLog.objects.filter(model="needs.need", object_id=str(need.pk), action="transition").count() == 5


def test_return_and_cancel_need_a_reason(client, world):
    need = world.place("ly", S.PENDING)
    client.force_login(world.users["admin"])
    client.post(reverse("needs:need_action", args=[need.pk, "cancel"]), {"reason": "  "})
    need.refresh_from_db()
    assert need.state == S.PENDING
    client.post(reverse("needs:need_action", args=[need.pk, "cancel"]), {"reason": "企业已自行解决"})
    need.refresh_from_db()
    assert need.state == S.CANCELLED and need.state_reason == "企业已自行解决"
    page = client.get(reverse("needs:need_detail", args=[need.pk])).content.decode()
    assert "企业已自行解决" in page and "仅供查阅" in page


def test_merge_makes_the_duplicate_read_only_and_points_to_the_kept_need(client, world):
    need = world.place("ly", S.VERIFIED)
    keep = world.places["ly"].keep
    client.force_login(world.users["admin"])
    page = client.get(reverse("needs:need_merge", args=[need.pk])).content.decode()
    assert f'value="{keep.pk}"' in page  # suggested: same enterprise
    other_city = world.places["wx"].keep
    response = client.post(reverse("needs:need_merge", args=[need.pk]), {"into_number": other_city.pk})
    assert response.status_code == 200 and "找不到该编号的需求" in response.content.decode()
    response = client.post(reverse("needs:need_merge", args=[need.pk]), {"into": keep.pk})
    assert response.status_code == 302 and response["Location"] == reverse("needs:need_detail", args=[keep.pk])
    need.refresh_from_db()
    assert need.state == S.MERGED and need.merged_into == keep
    page = client.get(reverse("needs:need_detail", args=[need.pk])).content.decode()
    assert f'href="/needs/{keep.pk}/"' in page and "已合并至" in page
    assert f"needs/{need.pk}/do/" not in page  # no action buttons on a merged need
    kept_page = client.get(reverse("needs:need_detail", args=[keep.pk])).content.decode()
    assert f'href="/needs/{need.pk}/"' in kept_page
    assert Need.objects.filter(pk=need.pk).exists()  # nothing is deleted


def test_edit_is_audited_and_shown_on_the_timeline(client, world):
    need = world.place("ly", S.PENDING)
    client.force_login(world.users["town"])
    response = client.post(
        reverse("needs:need_edit", args=[need.pk]),
        {"title": "低温电池续航", "description": "更清楚的描述", "kind": "technology", "urgency": "urgent"},
    )
    assert response.status_code == 302
    need.refresh_from_db()
    assert (need.title, need.urgency) == ("低温电池续航", "urgent")
    page = client.get(reverse("needs:need_detail", args=[need.pk])).content.decode()
    assert "修改：" in page and "需求标题" in page


def test_collaboration_by_request_and_acceptance(client, world):
    need = world.place("ly", S.CLAIMED)
    client.force_login(world.users["credited"])
    assert client.post(reverse("needs:collaborator_request", args=[need.pk])).status_code == 302
    link = NeedCollaborator.objects.get(need=need, member=world.members["credited"])
    assert link.status == CollaboratorStatus.REQUESTED
    # Only the owner answers a request.
    assert client.post(reverse("needs:collaborator_accept", args=[need.pk, link.pk])).status_code == 403
    client.force_login(world.users["owner"])
    assert client.post(reverse("needs:collaborator_accept", args=[need.pk, link.pk])).status_code == 302
    link.refresh_from_db()
    assert link.status == CollaboratorStatus.ACTIVE
    # The invited member accepts the invitation and may then report progress.
    invited = world.link("ly", "invitee")
    client.force_login(world.users["invitee"])
    assert client.post(reverse("needs:collaborator_accept", args=[need.pk, invited.pk])).status_code == 302
    response = client.post(
        reverse("needs:need_progress", args=[need.pk]), {"date": "2022-02-02", "current_status": "协同进展"}
    )
    assert response.status_code == 302
    assert ProgressEntry.objects.get(need=need).member == world.members["invitee"]
    page = client.get(reverse("needs:need_detail", args=[need.pk])).content.decode()
    assert "协同：" in page


def test_detail_shows_only_permitted_buttons(client, world):
    need = world.place("ly", S.VERIFIED)
    client.force_login(world.users["town"])
    page = client.get(reverse("needs:need_detail", args=[need.pk])).content.decode()
    assert "审核发布" not in page and f"/needs/{need.pk}/do/" not in page
    client.force_login(world.users["admin"])
    page = client.get(reverse("needs:need_detail", args=[need.pk])).content.decode()
    assert f"/needs/{need.pk}/do/publish/" in page and f"/needs/{need.pk}/do/return/" in page
    assert f"/needs/{need.pk}/do/claim/" not in page


def test_a_collaborator_who_claims_a_released_need_stops_being_a_collaborator(client, world):
    need = world.place("ly", S.CLAIMED)
    client.force_login(world.users["owner"])
    client.post(reverse("needs:need_action", args=[need.pk, "release"]), {"reason": "工作调整"})
    need.refresh_from_db()
    assert need.state == S.PUBLISHED and need.owner is None
    client.force_login(world.users["collaborator"])
    assert client.post(reverse("needs:need_action", args=[need.pk, "claim"])).status_code == 302
    need.refresh_from_db()
    assert need.owner == world.members["collaborator"]
    assert world.link("ly", "collaborator").status == CollaboratorStatus.LEFT

"""Who may do what to a need: role × action × need in scope / out of scope, table-driven.

Each row names an action, the state in which the transition table allows it, and the roles that
may do it to the 溧阳 need. The same roles may do nothing to the 金坛 need (except claim it once
published: every member of the batch may) and nothing at all to the 无锡 need (another city).
The rows are checked twice: through ``needs.permissions.need_can`` and through HTTP (302 and a
change when allowed; 403 when the need is visible but the action is not permitted; 404 when the
need is not visible — and nothing changes).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from techmayor.needs import permissions as P
from techmayor.needs.choices import NeedAction as A
from techmayor.needs.choices import NeedState as S
from techmayor.needs.models import Need, NeedCollaborator
from techmayor.needs.permissions import need_actions, need_can
from tests.needs.world import MEMBERS, OWNED, ROLES, build_world

pytestmark = pytest.mark.django_db

ROWS = [
    (A.VERIFY, S.PENDING, {"admin", "town"}),
    (A.RETURN, S.PENDING, {"admin", "town"}),
    (A.RETURN, S.VERIFIED, {"admin"}),
    (A.RESUBMIT, S.RETURNED, {"admin", "town", "credited"}),
    (A.PUBLISH, S.VERIFIED, {"admin"}),
    (A.CLAIM, S.PUBLISHED, set(MEMBERS)),
    (A.RELEASE, S.CLAIMED, {"admin", "owner"}),
    (A.SUBMIT_COMPLETION, S.CLAIMED, {"owner"}),
    (A.APPROVE_COMPLETION, S.COMPLETION_SUBMITTED, {"admin"}),
    (A.REJECT_COMPLETION, S.COMPLETION_SUBMITTED, {"admin"}),
    (A.CANCEL, S.PENDING, {"admin"}),
    (A.CANCEL, S.CLAIMED, {"admin"}),
    (A.MERGE, S.VERIFIED, {"admin"}),
    (A.MERGE, S.CLAIMED, {"admin"}),
    (P.EDIT, S.PENDING, {"admin", "town"}),
    (P.EDIT, S.RETURNED, {"admin", "town", "credited"}),
    (P.EDIT, S.PUBLISHED, {"admin"}),
    (P.PROGRESS, S.CLAIMED, {"owner", "collaborator"}),
    (P.PROGRESS, S.COMPLETION_SUBMITTED, {"owner", "collaborator"}),
    (P.INVITE, S.CLAIMED, {"owner"}),
    (P.REQUEST_JOIN, S.CLAIMED, {"group_leader", "credited"}),  # members who can see the claimed need
    (P.RESPOND_REQUEST, S.CLAIMED, {"owner"}),
    (P.RESPOND_INVITE, S.CLAIMED, {"invitee"}),
    (P.LEAVE, S.CLAIMED, {"collaborator"}),
    (P.REMOVE_COLLABORATOR, S.CLAIMED, {"owner"}),
    (P.OUTCOME_ADD, S.COMPLETED, {"owner"}),
    (P.OUTCOME_APPROVE, S.COMPLETED, {"admin"}),
]
IDS = [f"{action}@{state}" for action, state, _ in ROWS]

# Through HTTP, the URL that lets a collaborator leave also lets the owner remove them.
HTTP_EXTRA = {(P.LEAVE, S.CLAIMED): {"owner"}}


def test_the_table_covers_every_action():
    assert {action for action, _, _ in ROWS} == set(P.ALL_ACTIONS)


def expected(role: str, key: str, action: str, ly_roles: set[str]) -> bool:
    if key == "ly":
        return role in ly_roles
    if key == "jt":
        if action == A.CLAIM:
            return role in MEMBERS  # a published need is open to every member of the batch
        return role == "admin" and "admin" in ly_roles  # the city's administrators act city-wide
    return False  # 无锡: another city, nobody here may act


def visible(role: str, key: str, state: str) -> bool:
    if role == "nobody" or key == "wx":
        return False
    if key == "jt":
        return role in ("admin", "leader") or (state == S.PUBLISHED and role in MEMBERS)
    if role in ("admin", "leader", "district", "town", "group_leader", "credited"):
        return True
    if state == S.PUBLISHED and role in MEMBERS:
        return True
    return role in ("owner", "collaborator", "invitee") and state in OWNED


@pytest.fixture
def world():
    return build_world()


@pytest.mark.parametrize(("action", "state", "ly_roles"), ROWS, ids=IDS)
def test_need_can(world, action, state, ly_roles):
    wrong = []
    for key in ("ly", "jt", "wx"):
        need = world.place(key, state)
        need = Need.objects.select_related("batch").get(pk=need.pk)
        for role in ROLES:
            want = expected(role, key, action, ly_roles)
            if need_can(world.users[role], action, need) != want:
                wrong.append((role, key, "should" if want else "should not"))
    assert wrong == []


def _request(world, key: str, action: str):
    """URL and POST data that perform ``action`` on the need ``key``."""
    p = world.places[key]
    pk = p.need.pk
    if action in (
        A.VERIFY,
        A.PUBLISH,
        A.RETURN,
        A.RESUBMIT,
        A.CLAIM,
        A.RELEASE,
        A.APPROVE_COMPLETION,
        A.REJECT_COMPLETION,
        A.CANCEL,
    ):
        return reverse("needs:need_action", args=[pk, action]), {"reason": "测试原因"}
    link = world.link
    outcome = p.need.outcome_rounds.first()
    requests = {
        A.SUBMIT_COMPLETION: lambda: (
            reverse("needs:need_complete", args=[pk]),
            {"solution": "与东南大学合作开发低温电解液"},
        ),
        A.MERGE: lambda: (reverse("needs:need_merge", args=[pk]), {"into": p.keep.pk}),
        P.EDIT: lambda: (
            reverse("needs:need_edit", args=[pk]),
            {"title": "改过的标题", "description": "描述", "kind": "technology", "urgency": "urgent"},
        ),
        P.PROGRESS: lambda: (
            reverse("needs:need_progress", args=[pk]),
            {"date": "2022-02-01", "current_status": "已联系东南大学专家"},
        ),
        P.INVITE: lambda: (reverse("needs:collaborator_invite", args=[pk]), {"member": p.spare.pk}),
        P.REQUEST_JOIN: lambda: (reverse("needs:collaborator_request", args=[pk]), {}),
        P.RESPOND_REQUEST: lambda: (reverse("needs:collaborator_accept", args=[pk, link(key, "requester").pk]), {}),
        P.RESPOND_INVITE: lambda: (reverse("needs:collaborator_accept", args=[pk, link(key, "invitee").pk]), {}),
        P.LEAVE: lambda: (reverse("needs:collaborator_leave", args=[pk, link(key, "collaborator").pk]), {}),
        P.REMOVE_COLLABORATOR: lambda: (reverse("needs:collaborator_leave", args=[pk, link(key, "invitee").pk]), {}),
        P.OUTCOME_ADD: lambda: (
            reverse("needs:outcome_add", args=[pk]),
            {
                "date": "2022-03-01",
                "signed_amount_wan": "100",
                "received_amount_wan": "30",
                "investment_wan": "0",
                "talents": "1",
                "patents": "0",
            },
        ),
        P.OUTCOME_APPROVE: lambda: (reverse("needs:outcome_approve", args=[pk, outcome.pk]), {}),
    }
    return requests[action]()


def signature(need: Need) -> tuple:
    need.refresh_from_db()
    return (
        need.state,
        need.owner_id,
        need.title,
        need.merged_into_id,
        tuple(sorted(NeedCollaborator.objects.filter(need=need).values_list("member_id", "status"))),
        need.progress_entries.count(),
        tuple(need.outcome_rounds.order_by("id").values_list("id", "is_approved")),
    )


@pytest.mark.parametrize(("action", "state", "ly_roles"), ROWS, ids=IDS)
def test_http(client, world, action, state, ly_roles):
    wrong = []
    for key in ("ly", "jt", "wx"):
        for role in ROLES:
            need = world.place(key, state)
            url, data = _request(world, key, action)
            before = signature(need)
            client.force_login(world.users[role])
            response = client.post(url, data)
            changed = signature(need) != before
            allowed = expected(role, key, action, ly_roles) or (
                key == "ly" and role in HTTP_EXTRA.get((action, state), ())
            )
            if allowed:
                ok = response.status_code == 302 and changed
            else:
                status = 403 if visible(role, key, state) else 404
                ok = response.status_code == status and not changed
            if not ok:
                wrong.append((role, key, response.status_code, "changed" if changed else "unchanged"))
    assert wrong == []


@pytest.mark.parametrize("role", ["admin", "owner", "town"])
def test_nothing_outside_the_state_table(world, role):
    """Whatever the role, an action the state does not allow is refused (e.g. no verifying a claimed need)."""
    user = world.users[role]
    for state in S.values:
        need = world.place("ly", state)
        for action in P.ALL_ACTIONS:
            if not P.state_allows(action, state):
                assert not need_can(user, action, need), (role, state, action)


def test_merged_and_cancelled_needs_are_read_only(world):
    for state in (S.MERGED, S.CANCELLED):
        need = world.place("ly", state)
        for role in ROLES:
            assert need_actions(world.users[role], need) == set(), (state, role)


def test_read_only_roles_never_act(world):
    for state in S.values:
        need = world.place("ly", state)
        for role in ("leader", "district", "nobody"):
            assert need_actions(world.users[role], need) == set(), (state, role)


def test_forbidden_pages_do_not_render_forms(client, world):
    """GET on an action page is checked like POST: 溧阳 members cannot even open 金坛's edit page."""
    need = world.place("jt", S.PENDING)
    client.force_login(world.users["town"])
    assert client.get(reverse("needs:need_edit", args=[need.pk])).status_code == 404
    client.force_login(world.users["admin"])
    assert client.get(reverse("needs:need_edit", args=[need.pk])).status_code == 200
    client.force_login(world.users["leader"])
    assert client.get(reverse("needs:need_edit", args=[need.pk])).status_code == 403


def test_unknown_actions_are_not_found(client, world):
    need = world.place("ly", S.PENDING)
    client.force_login(world.users["admin"])
    assert client.post(reverse("needs:need_action", args=[need.pk, "delete"])).status_code == 404
    assert client.get(reverse("needs:need_action", args=[need.pk, "verify"])).status_code == 405


def test_anonymous_users_are_sent_to_login(client, world):
    need = world.place("ly", S.PUBLISHED)
    for url in (
        reverse("needs:need_list"),
        reverse("needs:need_detail", args=[need.pk]),
        reverse("needs:need_export"),
        reverse("needs:lead_list"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.post(reverse("needs:need_action", args=[need.pk, "claim"]))
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.state == S.PUBLISHED

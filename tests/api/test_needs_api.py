"""The need loop through the API: the page tests' world and table (tests/needs/test_permissions_needs.py)
for every action the API offers, and the demo promise: a member's token reads that member's needs only."""

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from techmayor.needs import permissions as P
from techmayor.needs.choices import NeedAction as A
from techmayor.needs.choices import NeedState as S
from tests.needs.test_permissions_needs import HTTP_EXTRA, ROWS, expected, signature, visible
from tests.needs.world import ROLES, build_world

pytestmark = pytest.mark.django_db

TRANSITIONS = {
    A.VERIFY,
    A.PUBLISH,
    A.RETURN,
    A.RESUBMIT,
    A.CLAIM,
    A.RELEASE,
    A.APPROVE_COMPLETION,
    A.REJECT_COMPLETION,
    A.CANCEL,
}
API_ROWS = [row for row in ROWS if row[0] in TRANSITIONS | {A.SUBMIT_COMPLETION, P.EDIT, P.PROGRESS}]


@pytest.fixture
def world(db):
    return build_world()


def _request(world, key, action):
    pk = world.places[key].need.pk
    if action in TRANSITIONS:
        return "post", f"/api/v1/needs/{pk}/transition/", {"action": action, "reason": "测试原因"}
    if action == A.SUBMIT_COMPLETION:
        return "post", f"/api/v1/needs/{pk}/complete/", {"solution": "与东南大学合作开发低温电解液"}
    if action == P.EDIT:
        return "patch", f"/api/v1/needs/{pk}/", {"title": "改过的标题", "urgency": "urgent"}
    return "post", f"/api/v1/needs/{pk}/progress/", {"date": "2022-02-01", "current_status": "已联系东南大学专家"}


@pytest.mark.parametrize(("action", "state", "ly_roles"), API_ROWS, ids=[f"{r[0]}@{r[1]}" for r in API_ROWS])
def test_need_actions_follow_the_pages_rules(world, api, action, state, ly_roles):
    clients = {role: api(world.users[role]) for role in ROLES}
    wrong = []
    for key in ("ly", "jt", "wx"):
        for role in ROLES:
            need = world.place(key, state)
            method, url, data = _request(world, key, action)
            before = signature(need)
            response = getattr(clients[role], method)(url, data, format="json")
            changed = signature(need) != before
            allowed = expected(role, key, action, ly_roles) or (
                key == "ly" and role in HTTP_EXTRA.get((action, state), ())
            )
            if allowed:
                ok = response.status_code in (200, 201, 204) and changed
            else:
                status = 403 if visible(role, key, state) else 404
                ok = response.status_code == status and not changed
            if not ok:
                wrong.append((role, key, response.status_code, "changed" if changed else "unchanged"))
    assert wrong == []


def test_need_lists_and_details_follow_the_scope(world, api):
    for state in (S.PENDING, S.PUBLISHED, S.CLAIMED):
        for key in ("ly", "jt", "wx"):
            world.place(key, state)
        for role in ROLES:
            client = api(world.users[role])
            listed = {row["id"] for row in client.get("/api/v1/needs/").json()["results"]}
            for key in ("ly", "jt", "wx"):
                need = world.needs[key]
                want = visible(role, key, state)
                assert (need.pk in listed) == want, (state, role, key)
                assert client.get(f"/api/v1/needs/{need.pk}/").status_code == (200 if want else 404)


def test_a_need_detail_lists_what_the_reader_may_do(world, api):
    need = world.place("ly", S.PENDING)
    assert set(api(world.users["town"]).get(f"/api/v1/needs/{need.pk}/").json()["actions"]) >= {"verify", "edit"}
    assert api(world.users["leader"]).get(f"/api/v1/needs/{need.pk}/").json()["actions"] == []


def test_a_need_claimed_by_someone_else_is_a_conflict(world, api):
    need = world.place("ly", S.CLAIMED)
    response = api(world.users["member"]).post(f"/api/v1/needs/{need.pk}/transition/", {"action": "claim"})
    assert response.status_code == 409
    assert "认领" in response.json()["detail"]


def test_a_return_without_a_reason_is_a_400_naming_the_field(world, api):
    need = world.place("ly", S.PENDING)
    response = api(world.users["admin"]).post(f"/api/v1/needs/{need.pk}/transition/", {"action": "return"})
    assert response.status_code == 400
    body = response.json()
    assert body["field"] and body["detail"]
    assert signature(need)[0] == S.PENDING


def test_an_edit_with_a_stale_version_is_refused(world, api):
    need = world.place("ly", S.PENDING)
    client = api(world.users["admin"])
    version = client.get(f"/api/v1/needs/{need.pk}/")["ETag"]
    assert client.patch(f"/api/v1/needs/{need.pk}/", {"title": "第一次"}, HTTP_IF_MATCH=version).status_code == 200
    response = client.patch(f"/api/v1/needs/{need.pk}/", {"title": "第二次"}, HTTP_IF_MATCH=version)
    assert response.status_code == 412
    need.refresh_from_db()
    assert need.title == "第一次"


def test_leads_are_entered_by_town_staff_and_administrators(world, api):
    body = {
        "region": world.town_ly.pk,
        "enterprise_name": "天目湖新能源有限公司",
        "title": "需要电池检测设备",
        "raw_text": "企业需要一套电池低温性能检测设备",
    }
    assert api(world.users["member"]).post("/api/v1/leads/", body).status_code == 403
    assert api(world.users["town"]).post("/api/v1/leads/", {**body, "region": world.town_jt.pk}).status_code == 400
    response = api(world.users["town"]).post("/api/v1/leads/", body)
    assert response.status_code == 201, response.json()
    lead = response.json()
    assert lead["source"] == "town" and lead["reference"]
    # The same lead again is a likely duplicate: refused until confirmed.
    again = api(world.users["admin"]).post("/api/v1/leads/", body)
    assert again.status_code == 400 and again.json()["field"] == "confirm_duplicate"
    assert api(world.users["admin"]).post("/api/v1/leads/", {**body, "confirm_duplicate": True}).status_code == 201
    # Only its town and the city's administrators see it, and reject it.
    assert api(world.users["member"]).get(f"/api/v1/leads/{lead['id']}/").status_code == 404
    reject = f"/api/v1/leads/{lead['id']}/reject/"
    assert api(world.users["leader"]).post(reject, {"reason": "重复"}).status_code == 403
    assert api(world.users["town"]).post(reject, {"reason": "已由企业自行解决"}).json()["status"] == "rejected"


def test_the_demo_members_token_reads_only_their_needs(world, capsys):
    """``techmayor api-token demo_member`` prints a token; with it, GET /api/v1/needs/ is the member's scope."""
    user = world.users["credited"]
    user.username = "demo_member"
    user.save()
    for key in ("ly", "jt", "wx"):
        world.place(key, S.PENDING)
    call_command("api_token", "demo_member", "--expires-days", "7")
    token = capsys.readouterr().out.strip()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    ids = {row["id"] for row in client.get("/api/v1/needs/").json()["results"]}
    assert ids == {world.needs["ly"].pk, world.places["ly"].keep.pk}


def test_a_closed_batchs_need_is_refused_with_the_reason(world, api):
    from techmayor.roster.services import batch_close

    batch_close(batch=world.liyang.batch)
    need = world.place("ly", S.CLAIMED)
    before = signature(need)
    response = api(world.users["owner"]).post(
        f"/api/v1/needs/{need.pk}/progress/", {"date": "2022-02-01", "current_status": "进展"}, format="json"
    )
    assert response.status_code == 403 and "已结束，记录只读" in response.json()["detail"]
    response = api(world.users["town"]).patch(f"/api/v1/needs/{need.pk}/", {"title": "改"}, format="json")
    assert response.status_code == 403 and "已结束" in response.json()["detail"]
    assert signature(need) == before

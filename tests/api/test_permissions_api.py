"""The role × scope × action matrix of the record pages (tests/web/test_permissions.py), through the API.

Same world, same expectations (``readable`` / ``editable`` from the page tests, written out there
independently of the code): every role lists exactly the records in its scope, a detail outside it is
404, creating is for writers only (403 otherwise), changing is 404 outside the read scope, 403 where
read-only, and a refused write changes nothing.
"""

import itertools

import pytest

from techmayor.core.models import AuditLog
from techmayor.core.registry import registry
from tests.web.conftest import KEYS
from tests.web.test_permissions import ENTERPRISE_READ, WHO, WRITERS, editable, readable, records

pytestmark = pytest.mark.django_db


def path(key: str, *pk) -> str:
    from techmayor.api.views.records import api_path

    base = f"/api/v1/{api_path(registry.get(key))}/"
    return f"{base}{pk[0]}/" if pk else base


def test_every_registered_kind_is_in_the_api_and_in_the_matrix(world, api):
    assert {k.key for k in registry.kinds()} == set(KEYS)
    client = api(world.users.admin)
    for kind in registry.kinds():
        assert client.get(path(kind.key)).status_code == 200, kind.key


def test_lists_and_details_follow_the_scope(world, api):
    """One world for every kind (the matrix is 16 kinds × 8 roles × list and two details)."""
    for who, key in itertools.product(WHO, KEYS):
        client = api(getattr(world.users, who))
        listed = {row["id"] for row in client.get(path(key)).json()["results"]}
        for side in ("ly", "jt"):
            record = records(world, side)[key]
            visible = side in readable(who, key)
            assert (record.pk in listed) == visible, (who, key, side)
            response = client.get(path(key, record.pk))
            assert response.status_code == (200 if visible else 404), (who, key, side)
            if visible:
                assert response.json()["id"] == record.pk
                assert response["ETag"].strip('"') == response.json()["version"]


def test_creating_is_for_writers_only(world, api):
    bodies = {
        "visit": {"date": "2021-09-05", "enterprise": world.e_ly.pk, "note": "接口登记"},
        "event": {"kind": "matchmaking", "title": "接口登记的活动", "date": "2021-09-05"},
        "visitor": {"kind": "expert", "visitor_name": "接口登记的专家", "date": "2021-09-05", "person_count": 2},
    }
    for who, key in itertools.product(WHO, bodies):
        model = registry.get(key).model
        before = model.objects.count()
        body = {
            **bodies[key],
            "group": world.liyang.pk,
            "members": [world.ly_b.pk],
        }  # an administrator chooses; for the others it is theirs
        response = api(getattr(world.users, who)).post(path(key), body, format="json")
        if who in WRITERS:
            assert response.status_code == 201, (who, key, response.json())
            assert model.objects.count() == before + 1
        else:
            assert response.status_code == 403, (who, key)
            assert model.objects.count() == before


def test_changing_is_404_outside_the_scope_and_403_when_read_only(world, api):
    for who, key in itertools.product(WHO, ("visit", "event", "visitor")):
        client = api(getattr(world.users, who))
        for side in ("ly", "jt"):
            record = records(world, side)[key]
            if side in editable(who):
                expected = 200
            elif side in readable(who, key):
                expected = 403
            else:
                expected = 404
            before = type(record).objects.get(pk=record.pk).date
            response = client.patch(path(key, record.pk), {"date": "2021-10-01"}, format="json")
            assert response.status_code == expected, (who, key, side, response.content)
            after = type(record).objects.get(pk=record.pk).date
            assert (after != before) == (expected == 200), (who, key, side)
            if expected == 200:  # put it back for the next role
                type(record).objects.filter(pk=record.pk).update(date=before)


def test_read_only_kinds_take_no_writes(world, api):
    client = api(world.users.admin)
    record = world.ly["report"]
    assert client.post(path("report"), {"title": "x", "date": "2021-09-05"}, format="json").status_code == 405
    assert client.patch(path("report", record.pk), {"title": "x"}, format="json").status_code == 405
    assert client.delete(path("visit", world.ly["visit"].pk)).status_code == 405


def test_a_liyang_member_cannot_reach_jintan_records_through_filters(world, api):
    client = api(world.users.m_ly)
    visit = world.jt["visit"]
    for query in (f"?group={world.jintan.pk}", "?q=金坛", f"?member={world.jt_a.pk}"):
        response = client.get(path("visit") + query)
        ids = {row["id"] for row in response.json().get("results", [])} if response.status_code == 200 else set()
        assert visit.pk not in ids, query


def test_a_member_logs_for_their_own_group_and_is_always_credited(world, api):
    from techmayor.ledger.models import Event

    response = api(world.users.m_ly).post(
        path("event"),
        {"kind": "matchmaking", "title": "越权的活动", "date": "2021-09-05", "group": world.jintan.pk},
        format="json",
    )
    assert response.status_code == 201
    event = Event.objects.get(title="越权的活动")
    assert event.group == world.liyang
    assert list(event.members.all()) == [world.ly_a]
    assert AuditLog.objects.filter(model="ledger.event", object_id=str(event.pk), source="api").exists()


def test_enterprises_follow_the_scope(world, api):
    for who, (side, enterprise) in itertools.product(WHO, (("ly", world.e_ly), ("jt", world.e_jt))):
        client = api(getattr(world.users, who))
        listed = {row["id"] for row in client.get("/api/v1/enterprises/").json()["results"]}
        visible = side in ENTERPRISE_READ[who]
        assert (enterprise.pk in listed) == visible, (who, side)
        assert client.get(f"/api/v1/enterprises/{enterprise.pk}/").status_code == (200 if visible else 404)


def test_enterprise_edit_rights(world, api):
    expected = {
        "admin": 200,
        "prov_admin": 200,
        "gl_ly": 200,
        "m_ly": 200,
        "ts_ly": 200,
        "leader": 403,
        "prov_leader": 403,
        "ds_jt": 404,
        "m_jt": 404,
    }
    for who, status in expected.items():
        address = f"天目湖镇{who}号"
        response = api(getattr(world.users, who)).patch(
            f"/api/v1/enterprises/{world.e_ly.pk}/", {"address": address}, format="json"
        )
        assert response.status_code == status, who
        world.e_ly.refresh_from_db()
        assert (world.e_ly.address == address) == (status == 200), who


GROUPS = {
    "admin": {"溧阳团", "金坛团"},
    "leader": {"溧阳团", "金坛团"},
    "prov_admin": {"溧阳团", "金坛团"},
    "prov_leader": {"溧阳团", "金坛团"},
    "ds_jt": {"金坛团"},
    "ts_ly": {"溧阳团"},
    "gl_ly": {"溧阳团"},
    "m_ly": {"溧阳团"},
    "m_jt": {"金坛团"},
    "nobody": set(),
}


def test_groups_and_figures_follow_the_scope(world, api):
    for who, groups in GROUPS.items():
        _check_groups(world, api(getattr(world.users, who)), who, groups)


def _check_groups(world, client, who, groups):
    assert {g["name"] for g in client.get("/api/v1/groups/").json()["results"]} == groups
    for group in (world.liyang, world.jintan):
        visible = group.name in groups
        assert client.get(f"/api/v1/groups/{group.pk}/").status_code == (200 if visible else 404)
        scorecard = client.get(f"/api/v1/scorecard/?batch={world.batch.pk}&group={group.pk}")
        assert scorecard.status_code == (200 if visible else 404), (who, group.name)
        dashboard = client.get(f"/api/v1/dashboard/?batch={world.batch.pk}&group={group.pk}")
        assert dashboard.status_code == (200 if visible else (403 if not groups else 404)), (who, group.name)
    card = client.get(f"/api/v1/scorecard/?batch={world.batch.pk}").json()
    names = [c["name"] for c in card["columns"]]
    if len(groups) == 2:
        assert names == ["合计", "溧阳团", "金坛团"]
    else:
        assert set(names) == groups


def test_unauthenticated_requests_are_401(world):
    from rest_framework.test import APIClient

    client = APIClient()
    response = client.get(path("visit"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    client.credentials(HTTP_AUTHORIZATION="Bearer tm_not-a-token")
    assert client.get(path("visit")).status_code == 401

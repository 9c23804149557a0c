"""Saving the 成果推介 planner's plan as the ledger's event (对接活动): for the group, date and members
chosen (a member only for their own group), with its results and invited enterprises, audited; the
event's page shows both and exports the invitation list; it counts like any other docking event."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from techmayor.core.models import AuditLog
from techmayor.ledger.choices import EventKind
from techmayor.ledger.models import Event
from techmayor.ledger.services import event_create
from techmayor.resources.models import Achievement
from techmayor.scorecard.metrics import Scope, value

pytestmark = pytest.mark.django_db

DAY = dt.date(2022, 1, 12)


def plan(*external):
    return [Achievement.objects.get(external_id=e).pk for e in external]


def save(client, results, **data):
    form = {"r": results, "title": "锂电池成果推介会", "date": DAY.isoformat(), "location": "溧阳", **data}
    return client.post(reverse("library:planner_save"), form)


def test_a_member_saves_the_plan_as_their_groups_docking_event(client, lib):
    ly, jt = (lib.world.needs[k].enterprise for k in ("ly", "jt"))
    member = lib.world.members["credited"]  # collected the 溧阳 need: sees it, and its enterprise
    results = plan("p-battery", "c-1")
    client.force_login(lib.users["credited"])
    planner = client.get(reverse("library:planner"), {"r": results}).content.decode()
    assert "保存为成果推介活动" in planner
    page = client.get(reverse("library:planner_save"), {"r": results})
    form = page.context["form"]
    assert "group" not in form.fields  # a member's own group, nothing to choose
    assert ly.pk in form.initial["enterprises"] and form.initial["title"].startswith("成果推介会：")
    refused = save(client, results, enterprises=[ly.pk, jt.pk])  # 金坛's enterprise: not theirs to invite
    assert refused.status_code == 200 and refused.context["form"].errors["enterprises"]
    assert not Event.objects.exists()
    response = save(client, results, enterprises=[ly.pk], group=lib.world.jintan.pk)
    event = Event.objects.get()
    assert response.url == reverse("ledger:event_detail", args=[event.pk])
    assert (event.kind, event.group, event.date, event.title) == (
        EventKind.DOCKING,
        lib.world.liyang,
        DAY,
        "锂电池成果推介会",
    )
    assert list(event.members.all()) == [member]
    assert set(event.achievements.values_list("pk", flat=True)) == set(results)
    assert list(event.enterprises.all()) == [ly]
    log = AuditLog.objects.get(model="ledger.event", action="create", object_id=str(event.pk))
    assert log.actor == lib.users["credited"] and sorted(log.after["achievements"]) == sorted(results)


def test_reopening_the_event_shows_its_results_and_exports_its_invitation_list(client, lib):
    ly = lib.world.needs["ly"].enterprise
    client.force_login(lib.users["admin"])
    save(client, plan("p-battery"), enterprises=[ly.pk], group=lib.world.liyang.pk)
    event = Event.objects.get()
    page = client.get(reverse("ledger:event_detail", args=[event.pk])).content.decode()
    assert 'id="promotion-results"' in page and "锂离子电池循环寿命与容量衰减机理研究" in page
    assert 'id="promotion-invitations"' in page and ly.name in page and "提到" in page
    export = client.get(reverse("library:event_export", args=[event.pk]))
    rows = list(openpyxl.load_workbook(io.BytesIO(export.content)).active.values)
    line = next(r for r in rows if r and r[1] == ly.name)
    assert "锂离子电池循环寿命与容量衰减机理研究" in line[6] and "需求「" in line[7]
    assert AuditLog.objects.filter(action="export", object_repr__startswith="成果推介邀请名单").exists()
    # an event without results is no 成果推介: no section, no export
    other = event_create(
        batch=event.batch, group=event.group, kind=EventKind.DOCKING, title="人才对接", date=DAY, members=[]
    )
    assert 'id="promotion-results"' not in client.get(reverse("ledger:event_detail", args=[other.pk])).content.decode()
    assert client.get(reverse("library:event_export", args=[other.pk])).status_code == 404


def test_who_may_save_and_for_which_group(client, lib):
    results = plan("p-battery")
    client.force_login(lib.users["town"])  # reads the library, logs no events
    assert client.get(reverse("library:planner_save"), {"r": results}).status_code == 403
    assert "保存为成果推介活动" not in client.get(reverse("library:planner"), {"r": results}).content.decode()
    client.force_login(lib.users["admin"])  # any group of the city's batch
    assert save(client, results, group=lib.world.jintan.pk).status_code == 302
    assert Event.objects.get().group == lib.world.jintan
    # nothing chosen: back to the planner; a date outside the batch: the form says so, nothing saved
    assert client.post(reverse("library:planner_save"), {"title": "x"}).url == reverse("library:planner")
    response = save(client, results, group=lib.world.jintan.pk, date="2030-01-01")
    assert response.status_code == 200 and Event.objects.count() == 1


def test_a_saved_event_counts_like_any_other_docking_event(client, lib):
    batch, liyang = lib.world.liyang.batch, lib.world.liyang
    scope = Scope(batch=batch, group=liyang)
    before = (value("docking_events", scope), value("matchmaking_events", scope))
    client.force_login(lib.users["member"])
    save(client, plan("p-battery"))
    assert (value("docking_events", scope), value("matchmaking_events", scope)) == (before[0] + 1, before[1])
    event_create(batch=batch, group=liyang, kind=EventKind.DOCKING, title="技术对接", date=DAY)
    assert value("docking_events", scope) == before[0] + 2

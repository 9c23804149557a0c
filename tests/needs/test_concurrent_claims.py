"""Two members claim the same need at the same moment, each through the page in its own thread and its
own database connection (a file SQLite database, or the PostgreSQL the suite runs on): the need gets
one owner, nobody gets a 500, and the second is told the need was claimed by someone else."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from django.contrib.messages import get_messages
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from techmayor.core import audit
from techmayor.needs.choices import NeedState as S
from techmayor.needs.models import Need
from tests.needs.world import build_world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shared_database(tmp_path):
    """The database the threads use: on SQLite, a file copy of the test's in-memory database (threads
    do not share an in-memory database the way two server processes share a file)."""
    settings = connections.settings["default"]
    if connection.vendor != "sqlite":
        yield
        return
    path = tmp_path / "claims.sqlite3"
    target = sqlite3.connect(path)
    connection.ensure_connection()
    connection.connection.backup(target)
    target.close()
    name = settings["NAME"]
    settings["NAME"] = str(path)
    try:
        yield
    finally:
        settings["NAME"] = name


def test_two_members_claiming_at_once_one_owner_no_error(world_published, shared_database, monkeypatch):
    need, users = world_published
    record = audit.record

    def slow_record(**kwargs):  # widen the window: each claim holds its transaction open a little
        time.sleep(0.2)
        return record(**kwargs)

    monkeypatch.setattr(audit, "record", slow_record)
    barrier = threading.Barrier(len(users))
    results: dict[str, tuple[int, list[str]]] = {}

    def claim(user):
        try:
            client = Client(raise_request_exception=False)
            client.force_login(user)
            barrier.wait()
            response = client.post(reverse("needs:need_action", args=[need.pk, "claim"]))
            results[user.username] = (response.status_code, [str(m) for m in get_messages(response.wsgi_request)])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)

    assert sorted(code for code, _ in results.values()) == [302, 302], results
    winners = [name for name, (_, msgs) in results.items() if any(m.startswith("已认领") for m in msgs)]
    losers = [name for name, (_, msgs) in results.items() if any("已被他人认领" in m for m in msgs)]
    assert len(winners) == 1 and len(losers) == 1, results
    if connection.vendor == "sqlite":
        check = sqlite3.connect(connections.settings["default"]["NAME"])
        state, owner = check.execute("SELECT state, owner_id FROM needs_need WHERE id = ?", [need.pk]).fetchone()
        check.close()
    else:
        fresh = Need.objects.get(pk=need.pk)
        state, owner = fresh.state, fresh.owner_id
    assert state == S.CLAIMED
    assert owner == next(u for u in users if u.username == winners[0]).member.pk


@pytest.fixture
def world_published():
    world = build_world()
    need = world.place("ly", S.PUBLISHED)
    return need, [world.users["owner"], world.users["member"]]

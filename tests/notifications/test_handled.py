"""A reminder is answered when the work it asks for is done, by whoever does it: everyone told of it
sees it as handled, the bell stops counting it, and it is not e-mailed any more."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings

from techmayor.needs.choices import CollaboratorStatus, LeadSource, NeedState
from techmayor.needs.models import Need, NeedCollaborator
from techmayor.needs.notices import stale_needs_remind
from techmayor.needs.services import (
    lead_create,
    lead_reject,
    lead_withdraw,
    need_collaborator_invite,
    need_collaborator_respond,
    need_progress_add,
    need_transition,
    need_withdraw,
)
from techmayor.notifications import mail
from techmayor.notifications.choices import Delivery
from techmayor.notifications.models import Notification
from techmayor.notifications.selectors import unread_count
from techmayor.notifications.services import notify, work_done
from tests.needs.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def call(fn, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(**kwargs)

    return call


def states(user) -> list[tuple[str, bool, bool]]:
    """(key, read, handled) of each message of ``user``."""
    return [(n.key, n.is_read, n.is_done) for n in Notification.objects.filter(recipient=user).order_by("id")]


def test_a_need_verified_by_someone_else_is_handled_for_everyone_told(world, run):
    need = world.place("ly", NeedState.RETURNED)
    town, admin = world.users["town"], world.users["admin"]
    run(need_transition, need=need, action="resubmit", by=world.users["credited"])
    [(key, read, done)] = states(town)
    assert key.startswith(f"need:{need.pk}:pending:") and not read and not done
    assert unread_count(user=town) == 1

    run(need_transition, need=need, action="verify", by=admin)  # the city verified it, not the town
    [(_key, read, done)] = states(town)
    assert read and done
    assert unread_count(user=town) == 0
    # Sent back and resubmitted: a new wait, told again and open.
    run(need_transition, need=need, action="return", reason="信息不全", by=admin)
    run(need_transition, need=need, action="resubmit", by=world.users["credited"])
    assert [(read, done) for _k, read, done in states(town)] == [(True, True), (False, False)]


def test_a_lead_declined_or_withdrawn_is_handled(world, run):
    town, admin = world.users["town"], world.users["admin"]
    first = run(
        lead_create, source=LeadSource.PUBLIC, raw_text="需要低温电池方案", title="低温电池", region=world.town_ly
    )
    second = run(lead_create, source=LeadSource.PUBLIC, raw_text="需要检测设备", title="检测设备", region=world.town_ly)
    assert [done for _k, _r, done in states(town)] == [False, False]
    run(lead_reject, lead=first, reason="不属于技术需求", by=admin)
    assert [done for _k, _r, done in states(town)] == [True, False]
    run(lead_withdraw, lead=second, reason="重复录入", by=admin)
    assert [done for _k, _r, done in states(town)] == [True, True]


def test_an_answered_invitation_is_handled(world, run):
    need = world.place("ly", NeedState.CLAIMED)
    NeedCollaborator.objects.filter(need=need).delete()
    member = world.users["member"]
    link = run(need_collaborator_invite, need=need, member=world.members["member"], by=world.users["owner"])
    assert [done for _k, _r, done in states(member)] == [False]
    run(need_collaborator_respond, link=link, accept=False, by=member)
    assert NeedCollaborator.objects.get(pk=link.pk).status == CollaboratorStatus.LEFT
    assert [done for _k, _r, done in states(member)] == [True]


def test_progress_answers_the_reminder_of_no_progress(world, run):
    need = world.place("ly", NeedState.CLAIMED)
    Need.objects.filter(pk=need.pk).update(last_progress_at=dt.datetime(2022, 1, 1, 9, tzinfo=dt.UTC))
    owner = world.users["owner"]
    with override_settings(TECHMAYOR_TODAY=dt.date(2022, 2, 11)):
        assert stale_needs_remind() == 1
        run(
            need_progress_add,
            need=need,
            member=world.members["owner"],
            date=dt.date(2022, 2, 11),
            current_status="已联系专家",
        )
    [(key, read, done)] = states(owner)
    assert "stale30" in key and read and done


def test_a_withdrawn_need_leaves_nothing_waiting(world, run):
    need = world.place("ly", NeedState.RETURNED)
    run(need_transition, need=need, action="resubmit", by=world.users["credited"])
    run(need_withdraw, need=Need.objects.get(pk=need.pk), reason="录入错误", by=world.users["admin"])
    assert [done for _k, _r, done in states(world.users["town"])] == [True]


def test_a_handled_message_is_not_emailed(smtp, world, django_capture_on_commit_callbacks):
    town = world.users["town"]
    town.email = "town@example.gov.cn"
    town.save()
    # Told (the e-mail job not run yet), then the work is done before the job runs.
    [digest] = notify(recipients=[town], kind="review", key="lead:901:new", message="线索待处理", url="/")
    [at_once] = notify(recipients=[town], kind="invitation", key="collaboration:77:invited:1", message="邀请", url="/")
    assert at_once.delivery == Delivery.EMAIL and digest.delivery == Delivery.DIGEST
    with django_capture_on_commit_callbacks(execute=True):
        work_done(keys=["lead:901:new"], prefixes=["collaboration:77:"])
    assert mail.send_now([at_once.pk]) == 0
    assert mail.send_digests() == 0
    assert smtp.messages == []


def test_a_prefix_names_one_record_only(world, django_capture_on_commit_callbacks):
    [of_12] = notify(recipients=[world.users["town"]], kind="review", key="need:12:pending:3", message="x")
    [of_1] = notify(recipients=[world.users["town"]], kind="review", key="need:1:pending:3", message="x")
    with pytest.raises(ValueError):
        work_done(prefixes=["need:1"])
    with django_capture_on_commit_callbacks(execute=True):
        work_done(prefixes=["need:1:"])
    assert Notification.objects.get(pk=of_1.pk).is_done
    assert not Notification.objects.get(pk=of_12.pk).is_done

"""Where reminders come from: the need loop's services and the job queue tell the people whose roles
give them the work (``needs.permissions``), once per event, when the transaction commits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from techmayor.core.errors import ApplicationError
from techmayor.core.jobs import job_run
from techmayor.core.models import Job
from techmayor.needs.choices import CollaboratorStatus, LeadSource, NeedState
from techmayor.needs.models import NeedCollaborator
from techmayor.needs.services import (
    lead_convert,
    lead_create,
    need_collaborator_invite,
    need_collaborator_request,
    need_create,
    need_submit_completion,
    need_transition,
    outcome_round_add,
)
from techmayor.notifications.choices import NotificationKind
from techmayor.notifications.models import Notification
from tests.needs.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run a service as the web request would: its transaction commits, then the reminders are written."""

    def call(fn, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(**kwargs)

    return call


def told(user) -> list[tuple[str, str]]:
    return [(n.kind, n.text) for n in Notification.objects.filter(recipient=user).order_by("id")]


def everyone_told(world) -> dict[str, list[str]]:
    return {role: [text for _kind, text in told(user)] for role, user in world.users.items() if told(user)}


def test_a_lead_waits_for_its_towns_staff(world, run):
    lead = run(
        lead_create, source=LeadSource.PUBLIC, raw_text="需要低温电池方案", title="低温电池", region=world.town_ly
    )
    assert everyone_told(world) == {"town": [f"新的需求线索 {lead.reference}「低温电池」待处理"]}
    [note] = Notification.objects.filter(recipient=world.users["town"])
    assert note.kind == NotificationKind.REVIEW and note.url == reverse("needs:lead_detail", args=[lead.pk])


def test_where_no_town_staff_serve_the_city_administrators_verify(world, run):
    run(lead_create, source=LeadSource.PUBLIC, raw_text="需要检测设备", title="检测设备", region=world.town_jt)
    assert list(everyone_told(world)) == ["admin"]


def test_a_need_moves_along_and_each_step_tells_who_acts_next(world, run):
    need = world.place("ly", NeedState.RETURNED)
    town, admin = world.users["town"], world.users["admin"]

    run(need_transition, need=need, action="resubmit", by=world.users["credited"])
    assert told(town) == [(NotificationKind.REVIEW, "需求「电池低温续航不足」待核实")]
    run(need_transition, need=need, action="verify", by=town)
    assert told(admin) == [(NotificationKind.REVIEW, "需求「电池低温续航不足」已核实，待审核发布")]
    assert len(told(town)) == 1  # the one who acted is not told of their own step

    run(need_transition, need=need, action="publish", by=admin)
    need = world.place("ly", NeedState.CLAIMED)
    run(need_submit_completion, need=need, solution="联系了东南大学专家", by=world.users["owner"])
    assert told(admin)[-1] == (NotificationKind.APPROVAL, "需求「电池低温续航不足」已提交办结，待验收")

    need = world.place("ly", NeedState.COMPLETED)
    run(
        outcome_round_add,
        need=need,
        date=dt.date(2022, 1, 20),
        signed_amount_wan=Decimal("20"),
        by=world.users["owner"],
    )
    assert told(admin)[-1] == (NotificationKind.APPROVAL, "需求「电池低温续航不足」登记了新一轮成效，待审核")
    # Nobody outside the roles hears of it; 无锡's need stays with 无锡.
    assert set(everyone_told(world)) == {"town", "admin"}


def test_a_step_undone_in_the_same_transaction_tells_nobody(world, run):
    """Converting a lead and publishing it at once: nothing waits for verification or review."""
    lead = lead_create(source=LeadSource.PUBLIC, raw_text="需要低温电池方案", title="低温电池", region=world.town_ly)
    Notification.objects.all().delete()
    admin = world.users["admin"]
    need = run(
        lead_convert, lead=lead, group=world.liyang, enterprise=world.places["ly"].need.enterprise, title="低温电池",
        description="需要低温电池方案", date=dt.date(2022, 1, 10), advance_to=NeedState.PUBLISHED, by=admin,
    )  # fmt: skip
    assert need.state == NeedState.PUBLISHED
    assert not Notification.objects.exists()


def test_a_rolled_back_step_tells_nobody(world, run):
    need = world.place("ly", NeedState.PENDING)
    with pytest.raises(ApplicationError):
        run(need_transition, need=need, action="publish", by=world.users["admin"])  # not allowed from 待核实
    assert not Notification.objects.exists()


def test_invitations_and_requests_to_collaborate(world, run):
    need = world.place("ly", NeedState.CLAIMED)
    p = world.places["ly"]
    NeedCollaborator.objects.filter(need=need).delete()
    member, owner = world.users["member"], world.users["owner"]

    run(need_collaborator_invite, need=need, member=world.members["member"], by=owner)
    assert told(member) == [(NotificationKind.INVITATION, "邀请你协同需求「电池低温续航不足」，请接受或谢绝")]
    run(need_collaborator_request, need=need, member=p.spare, by=None)
    assert told(owner) == [(NotificationKind.INVITATION, f"{p.spare.name} 申请协同你负责的需求「电池低温续航不足」")]

    # Declined, then invited again: a new invitation, told again.
    link = NeedCollaborator.objects.get(need=need, member=world.members["member"])
    NeedCollaborator.objects.filter(pk=link.pk).update(status=CollaboratorStatus.LEFT)
    run(need_collaborator_invite, need=need, member=world.members["member"], by=owner)
    assert len(told(member)) == 2


def test_an_invitation_reaches_the_invited_member_by_email(world, run, smtp):
    member = world.users["member"]
    member.email = "member@example.edu.cn"
    member.save()
    need = world.place("ly", NeedState.CLAIMED)
    run(need_collaborator_invite, need=need, member=world.members["member"], by=world.users["owner"])
    [received] = smtp.messages
    assert received.recipients == ["member@example.edu.cn"]
    assert "邀请你协同需求「电池低温续航不足」" in received.subject
    assert f"https://techmayor.test/needs/{need.pk}/" in received.text


def test_a_finished_or_failed_job_tells_whoever_started_it(world):
    admin = world.users["admin"]
    done = Job.objects.create(kind="matching_index", label="重建匹配索引", created_by=admin)
    with job_run(done.pk) as progress:
        progress.stage("索引已建立：12 条成果")
    failed = Job.objects.create(kind="matching_index", label="重建匹配索引", created_by=admin)
    with job_run(failed.pk):
        raise ApplicationError("资源池为空")
    system = Job.objects.create(kind="matching_index", label="重建匹配索引")  # from the command line
    with job_run(system.pk):
        pass
    assert told(admin) == [
        (NotificationKind.JOB, "后台任务「重建匹配索引」已完成：索引已建立：12 条成果"),
        (NotificationKind.JOB, "后台任务「重建匹配索引」失败：资源池为空"),
    ]
    assert {n.url for n in Notification.objects.filter(recipient=admin)} == {reverse("matchmaking:index")}
    assert Notification.objects.count() == 2


def test_a_need_returned_and_resubmitted_in_one_transaction_is_announced_once(
    world, django_capture_on_commit_callbacks
):
    town, admin = world.users["town"], world.users["admin"]
    p = world.places["ly"]
    with django_capture_on_commit_callbacks(execute=True):
        need = need_create(
            batch=p.group.batch, group=p.group, enterprise=p.need.enterprise, title="储能热失控预警",
            description="需要早期预警方案", date=dt.date(2022, 1, 10), region=p.region, by=admin,
        )  # fmt: skip
        need_transition(need=need, action="return", reason="缺少联系人", by=admin)
        need_transition(need=need, action="resubmit", by=admin)
    assert told(town) == [(NotificationKind.REVIEW, "需求「储能热失控预警」待核实")]

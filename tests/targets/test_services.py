"""Setting and revising targets: who may, what is checked, and the history with every reason (the audit trail)."""

from decimal import Decimal

import pytest

from techmayor.core.errors import ApplicationError
from techmayor.core.history import entries_of
from techmayor.core.models import AuditLog
from techmayor.targets.models import Target
from techmayor.targets.services import margin_of, target_margin_set, target_revise, target_set

pytestmark = pytest.mark.django_db


def test_a_city_administrator_sets_targets_for_the_batch_a_group_and_a_member(world, targets):
    assert targets["batch_visits"].group is None and targets["batch_visits"].value == 40
    assert targets["ly_visits"].group == world.liyang
    member_target = targets["ly_a_visits"]
    assert (member_target.group, member_target.member) == (world.liyang, world.ly_a)  # the member's group
    created = AuditLog.objects.filter(model="targets.target", action="create")
    assert created.count() == 4 and {log.actor for log in created} == {world.users.admin}


@pytest.mark.parametrize("who", ["leader", "ds_jt", "gl_ly", "m_ly", "ts_ly", "nobody"])
def test_nobody_else_may_set_or_revise_a_target(world, targets, who):
    user = getattr(world.users, who)
    with pytest.raises(ApplicationError, match="管理员"):
        target_set(batch=world.batch, metric="agreements", value=3, group=world.liyang, by=user)
    with pytest.raises(ApplicationError, match="管理员"):
        target_revise(target=targets["ly_visits"], value=25, reason="调整", by=user)
    assert not Target.objects.filter(metric="agreements").exists()


def test_a_revision_needs_a_reason_and_the_history_keeps_each_value_with_its_reason(world, targets):
    target = targets["ly_visits"]
    admin = world.users.admin
    with pytest.raises(ApplicationError, match="调整原因"):
        target_revise(target=target, value=25, reason="  ", by=admin)
    with pytest.raises(ApplicationError, match="未改变"):
        target_revise(target=target, value=20, reason="没有变化", by=admin)
    target_revise(target=target, value=25, reason="区里追加任务", by=admin)
    target_set(batch=world.batch, metric="visits", value=22, group=world.liyang, reason="年中调整", by=admin)
    target.refresh_from_db()
    assert target.value == Decimal(22) and target.reason == "年中调整"
    history = entries_of(target)
    assert [e.note for e in history] == ["年中调整", "区里追加任务", "设定目标"]
    value_changes = [next(c for c in e.changes if c.label == "目标值") for e in history[:2]]
    assert [(c.before, c.after) for c in value_changes] == [("25.0000", "22.0000"), ("20.0000", "25.0000")]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"metric": "visits", "value": 0}, "目标值须大于0"),
        ({"metric": "visits", "value": -3}, "目标值须大于0"),
        ({"metric": "visits", "value": "很多"}, "目标值须为数字"),
        ({"metric": "visits", "value": "1e15"}, "目标值过大"),
        ({"metric": "_events", "value": 3}, "不是成绩单上的指标"),
        ({"metric": "nonsense", "value": 3}, "不是成绩单上的指标"),
    ],
)
def test_bad_values_are_refused_with_a_message_naming_them(world, kwargs, message):
    with pytest.raises(ApplicationError, match=message):
        target_set(batch=world.batch, group=world.liyang, by=world.users.admin, **kwargs)


def test_a_member_target_must_be_in_the_members_group(world):
    with pytest.raises(ApplicationError, match="不在这个支团任职"):
        target_set(
            batch=world.batch, metric="visits", value=3, group=world.jintan, member=world.ly_a, by=world.users.admin
        )


def test_the_margin_is_the_citys_audited_setting(world):
    assert margin_of(world.batch.city) == 10
    target_margin_set(city=world.batch.city, margin=15, by=world.users.admin)
    assert margin_of(world.batch.city) == 15
    with pytest.raises(ApplicationError, match="0到100"):
        target_margin_set(city=world.batch.city, margin=101, by=world.users.admin)
    with pytest.raises(ApplicationError, match="管理员"):
        target_margin_set(city=world.batch.city, margin=5, by=world.users.leader)
    assert AuditLog.objects.filter(model="targets.targetsetting").count() == 1

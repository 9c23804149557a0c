"""Every (state, action) pair: allowed exactly when the transition table says so."""

import datetime as dt
import itertools

import pytest

from techmayor.core.errors import ApplicationError
from techmayor.needs.choices import NeedAction, NeedState
from techmayor.needs.models import Need, NeedTransition
from techmayor.needs.services import need_create, need_transition
from techmayor.needs.state_machine import REASON_REQUIRED, TRANSITIONS, allowed_actions, next_state
from tests.factories import EnterpriseFactory, GroupFactory, member_in

pytestmark = pytest.mark.django_db

EXPECTED = {
    (NeedState.PENDING, NeedAction.VERIFY): NeedState.VERIFIED,
    (NeedState.PENDING, NeedAction.RETURN): NeedState.RETURNED,
    (NeedState.VERIFIED, NeedAction.PUBLISH): NeedState.PUBLISHED,
    (NeedState.VERIFIED, NeedAction.RETURN): NeedState.RETURNED,
    (NeedState.RETURNED, NeedAction.RESUBMIT): NeedState.PENDING,
    (NeedState.PUBLISHED, NeedAction.CLAIM): NeedState.CLAIMED,
    (NeedState.CLAIMED, NeedAction.RELEASE): NeedState.PUBLISHED,
    (NeedState.CLAIMED, NeedAction.SUBMIT_COMPLETION): NeedState.COMPLETION_SUBMITTED,
    (NeedState.COMPLETION_SUBMITTED, NeedAction.APPROVE_COMPLETION): NeedState.COMPLETED,
    (NeedState.COMPLETION_SUBMITTED, NeedAction.REJECT_COMPLETION): NeedState.CLAIMED,
}
OPEN = [
    NeedState.PENDING,
    NeedState.VERIFIED,
    NeedState.RETURNED,
    NeedState.PUBLISHED,
    NeedState.CLAIMED,
    NeedState.COMPLETION_SUBMITTED,
]
for _state in OPEN:
    EXPECTED[(_state, NeedAction.CANCEL)] = NeedState.CANCELLED
    EXPECTED[(_state, NeedAction.MERGE)] = NeedState.MERGED

ALL_PAIRS = list(itertools.product(NeedState.values, NeedAction.values))


def test_the_table_is_exactly_the_documented_loop():
    assert dict(TRANSITIONS) == EXPECTED
    for terminal in (NeedState.COMPLETED, NeedState.CANCELLED, NeedState.MERGED):
        assert allowed_actions(terminal) == []


@pytest.fixture
def make_need():
    group = GroupFactory()
    member = member_in(group)
    enterprise = EnterpriseFactory()

    def make(state: str) -> Need:
        need = need_create(
            batch=group.batch,
            group=group,
            enterprise=enterprise,
            title="电池容量衰减",
            description="电池用久了容量掉得快",
            date=dt.date(2022, 1, 10),
            members=[member],
        )
        Need.objects.filter(pk=need.pk).update(state=state)  # place the need in the state under test
        need.refresh_from_db()
        return need

    return make


@pytest.mark.parametrize(("state", "action"), ALL_PAIRS)
def test_transition(make_need, state, action):
    need = make_need(state)
    reason = "原因说明" if action in REASON_REQUIRED else ""
    target = EXPECTED.get((state, action))
    if target is None:
        with pytest.raises(ApplicationError, match="不能执行"):
            need_transition(need=need, action=action, reason=reason)
        need.refresh_from_db()
        assert need.state == state
        assert not NeedTransition.objects.filter(need=need).exists()
    else:
        need = need_transition(need=need, action=action, reason=reason)
        assert need.state == target == next_state(state, action)
        step = NeedTransition.objects.get(need=need)
        assert (step.from_state, step.to_state, step.action) == (state, target, action)


@pytest.mark.parametrize("action", sorted(REASON_REQUIRED))
def test_reason_is_required(make_need, action):
    state = NeedState.COMPLETION_SUBMITTED if action == NeedAction.REJECT_COMPLETION else NeedState.VERIFIED
    need = make_need(state)
    with pytest.raises(ApplicationError, match="须填写原因"):
        need_transition(need=need, action=action, reason="  ")
    need.refresh_from_db()
    assert need.state == state

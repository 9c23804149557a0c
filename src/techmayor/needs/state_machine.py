"""The need loop as an explicit table of allowed transitions.

``TRANSITIONS[(state, action)]`` is the state the need moves to. Anything not in the table is
forbidden. ``REASON_REQUIRED`` lists the actions that must say why.
"""

from __future__ import annotations

from .choices import NeedAction as A
from .choices import NeedState as S

OPEN_STATES = (S.PENDING, S.VERIFIED, S.RETURNED, S.PUBLISHED, S.CLAIMED, S.COMPLETION_SUBMITTED)
TERMINAL_STATES = (S.COMPLETED, S.CANCELLED, S.MERGED)

TRANSITIONS: dict[tuple[str, str], str] = {
    (S.PENDING, A.VERIFY): S.VERIFIED,
    (S.PENDING, A.RETURN): S.RETURNED,
    (S.VERIFIED, A.PUBLISH): S.PUBLISHED,
    (S.VERIFIED, A.RETURN): S.RETURNED,
    (S.RETURNED, A.RESUBMIT): S.PENDING,
    (S.PUBLISHED, A.CLAIM): S.CLAIMED,
    (S.CLAIMED, A.RELEASE): S.PUBLISHED,
    (S.CLAIMED, A.SUBMIT_COMPLETION): S.COMPLETION_SUBMITTED,
    (S.COMPLETION_SUBMITTED, A.APPROVE_COMPLETION): S.COMPLETED,
    (S.COMPLETION_SUBMITTED, A.REJECT_COMPLETION): S.CLAIMED,
    **{(state, A.CANCEL): S.CANCELLED for state in OPEN_STATES},
    **{(state, A.MERGE): S.MERGED for state in OPEN_STATES},
}

# The main path of a need, in order; a need "reached" a state when it held it or a later one.
MAIN_PATH = (S.PENDING, S.VERIFIED, S.PUBLISHED, S.CLAIMED, S.COMPLETION_SUBMITTED, S.COMPLETED)

REASON_REQUIRED = frozenset({A.RETURN, A.REJECT_COMPLETION, A.CANCEL})


def next_state(state: str, action: str) -> str | None:
    """The state after ``action``, or None when the table does not allow it."""
    return TRANSITIONS.get((state, action))


def allowed_actions(state: str) -> list[str]:
    return [action for (from_state, action) in TRANSITIONS if from_state == state]


def rank(state: str) -> int:
    """How far along the main path ``state`` lies (0 for pending and for states off the path)."""
    return MAIN_PATH.index(state) if state in MAIN_PATH else 0

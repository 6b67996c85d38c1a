"""Every transition of the referral state machine: status × action × actor, allowed or refused."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from services.referrals.domain import (
    Action,
    ActorNotPermitted,
    Handoff,
    Referral,
    TransitionNotAllowed,
    allowed_actions,
)
from tests.unit.referrals.journeys import (
    NOW,
    OUTSIDER,
    RECEIVER,
    SENDER,
    THIRD,
    accepted,
    agency,
    cancelled,
    closed,
    declined,
    handed_off,
    requested,
)
from tsunagu_schemas import (
    CancelReason,
    CloseOutcome,
    DeclineReason,
    HandoffReason,
    ReferralStatus,
)

S = ReferralStatus
STAGES: dict[str, Callable[[], Referral]] = {
    "requested": requested,
    "accepted": accepted,
    "declined": declined,
    "closed": closed,
    "cancelled": cancelled,
    "handed_off": handed_off,
}

# Written out by hand, independently of the domain's table: who may act, and the new status.
EXPECTED: dict[tuple[str, Action], tuple[str, ReferralStatus]] = {
    ("requested", Action.ACCEPT): (RECEIVER, S.ACCEPTED),
    ("requested", Action.DECLINE): (RECEIVER, S.DECLINED),
    ("requested", Action.CANCEL): (SENDER, S.CANCELLED),
    ("accepted", Action.HANDOFF): (RECEIVER, S.REQUESTED),
    ("accepted", Action.CLOSE): (RECEIVER, S.CLOSED),
    ("declined", Action.HANDOFF): (SENDER, S.REQUESTED),
    ("declined", Action.CLOSE): (SENDER, S.CLOSED),
    ("handed_off", Action.ACCEPT): (THIRD, S.ACCEPTED),
    ("handed_off", Action.DECLINE): (THIRD, S.DECLINED),
    ("handed_off", Action.CANCEL): (RECEIVER, S.ACCEPTED),
}
ALLOWED_NOW = {
    "requested": ["accept", "decline", "cancel"],
    "accepted": ["handoff", "close"],
    "declined": ["handoff", "close"],
    "closed": [],
    "cancelled": [],
    "handed_off": ["accept", "decline", "cancel"],
}
ACTORS = (SENDER, RECEIVER, THIRD, OUTSIDER)


def _take(referral: Referral, action: Action, actor: str) -> None:
    """Take `action` as `actor` with ordinary arguments."""
    if action is Action.ACCEPT:
        referral.accept(actor=actor, now=NOW)
    elif action is Action.DECLINE:
        referral.decline(actor=actor, reason=DeclineReason.OUT_OF_SCOPE, comment=None, now=NOW)
    elif action is Action.CANCEL:
        referral.cancel(actor=actor, reason=CancelReason.DUPLICATE, now=NOW)
    elif action is Action.CLOSE:
        referral.close(actor=actor, outcome=CloseOutcome.MOVED, comment=None, now=NOW)
    else:
        target = OUTSIDER if actor != OUTSIDER else THIRD
        handoff = Handoff(to_agency_id=target, reason=HandoffReason.OTHER)
        referral.handoff(actor=actor, request=handoff, target=agency(target), now=NOW)


CASES = [(stage, action, actor) for stage in STAGES for action in Action for actor in ACTORS]


@pytest.mark.parametrize(("stage", "action", "actor"), CASES)
def test_each_action_is_allowed_only_in_its_status_and_only_to_its_agency(
    stage: str, action: Action, actor: str
) -> None:
    referral = STAGES[stage]()
    version = referral.version
    expected = EXPECTED.get((stage, action))
    if expected is None:
        with pytest.raises(TransitionNotAllowed) as refused:
            _take(referral, action, actor)
        assert refused.value.allowed == ALLOWED_NOW[stage]
        assert referral.version == version
    elif actor != expected[0]:
        with pytest.raises(ActorNotPermitted) as refused:
            _take(referral, action, actor)
        assert refused.value.agency_id == expected[0]
        assert referral.version == version
    else:
        _take(referral, action, actor)
        assert referral.status is expected[1]
        assert referral.version == version + 1


@pytest.mark.parametrize("stage", list(STAGES))
def test_the_actions_allowed_now_follow_the_status(stage: str) -> None:
    referral = STAGES[stage]()
    assert [a.value for a in referral.allowed_actions()] == ALLOWED_NOW[stage]
    assert allowed_actions(referral.status) == referral.allowed_actions()


def test_closed_and_cancelled_referrals_are_terminal() -> None:
    assert allowed_actions(S.CLOSED) == []
    assert allowed_actions(S.CANCELLED) == []

"""The referral state machine as a table: status × action → who may act, and the result."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from tsunagu_schemas import ReferralStatus

from .errors import TransitionNotAllowed


class Action(StrEnum):
    """What an agency can do to a referral."""

    ACCEPT = "accept"
    DECLINE = "decline"
    HANDOFF = "handoff"
    CLOSE = "close"
    CANCEL = "cancel"


class Role(StrEnum):
    """An agency's part in the current leg."""

    HOLDER = "holder"
    ASKED = "asked"


@dataclass(frozen=True)
class Rule:
    """Who may take an action, and the status the referral has afterwards."""

    role: Role
    becomes: ReferralStatus


_S = ReferralStatus
RULES: Final[dict[tuple[ReferralStatus, Action], Rule]] = {
    (_S.REQUESTED, Action.ACCEPT): Rule(Role.ASKED, _S.ACCEPTED),
    (_S.REQUESTED, Action.DECLINE): Rule(Role.ASKED, _S.DECLINED),
    (_S.REQUESTED, Action.CANCEL): Rule(Role.HOLDER, _S.CANCELLED),
    (_S.ACCEPTED, Action.HANDOFF): Rule(Role.HOLDER, _S.REQUESTED),
    (_S.ACCEPTED, Action.CLOSE): Rule(Role.HOLDER, _S.CLOSED),
    (_S.DECLINED, Action.HANDOFF): Rule(Role.HOLDER, _S.REQUESTED),
    (_S.DECLINED, Action.CLOSE): Rule(Role.HOLDER, _S.CLOSED),
}


def allowed_actions(status: ReferralStatus) -> list[Action]:
    """The actions possible now, in the table's order."""
    return [action for (state, action) in RULES if state is status]


def rule_for(status: ReferralStatus, action: Action) -> Rule:
    """The rule for `action` in `status`, or TransitionNotAllowed naming the allowed ones."""
    rule = RULES.get((status, action))
    if rule is None:
        raise TransitionNotAllowed(
            action=action.value,
            status=status.value,
            allowed=[a.value for a in allowed_actions(status)],
        )
    return rule

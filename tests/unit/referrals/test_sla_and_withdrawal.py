"""Deadlines per urgency, overdue legs flagged once, and withdrawing a pending handoff."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.referrals.domain import (
    SYSTEM_ACTOR,
    Handoff,
    SlaPolicy,
    TransitionNotAllowed,
    open_referral,
)
from services.referrals.settings import ReferralsSettings
from tests.unit.referrals.journeys import (
    NOW,
    RECEIVER,
    SENDER,
    THIRD,
    accepted,
    agency,
    declined,
    handed_off,
    new_referral,
    requested,
)
from tsunagu_schemas import CancelReason, HandoffReason, ReferralStatus, Urgency
from tsunagu_schemas import referral as types

COORDINATOR = "ag_city_office"
SLA = SlaPolicy(
    emergency=timedelta(minutes=5), urgent=timedelta(hours=2), routine=timedelta(days=2)
)


@pytest.mark.parametrize(
    ("urgency", "window"),
    [
        (Urgency.EMERGENCY, timedelta(minutes=5)),
        (Urgency.URGENT, timedelta(hours=2)),
        (Urgency.ROUTINE, timedelta(days=2)),
    ],
)
def test_every_new_referral_must_be_accepted_within_its_urgencys_window(
    urgency: Urgency, window: timedelta
) -> None:
    referral, event = open_referral(
        new_referral(urgency=urgency), actor=SENDER, target=agency(RECEIVER), now=NOW, sla=SLA
    )
    assert referral.leg.accept_by == NOW + window
    assert event.data.accept_by == NOW + window


def test_a_handoff_leg_gets_its_own_deadline_from_the_time_it_was_asked() -> None:
    referral = accepted()
    later = NOW + timedelta(hours=5)
    handoff = Handoff(to_agency_id=THIRD, reason=HandoffReason.NEEDS_OTHER_SUPPORT)
    event = referral.handoff(actor=RECEIVER, request=handoff, target=agency(THIRD), now=later)
    assert referral.leg.accept_by == later + timedelta(days=1)
    assert event.data.accept_by == referral.leg.accept_by


def test_the_default_deadlines_are_an_hour_a_day_and_three_days() -> None:
    policy = ReferralsSettings().sla_policy()
    assert policy.accept_by(Urgency.EMERGENCY, requested_at=NOW) == NOW + timedelta(hours=1)
    assert policy.accept_by(Urgency.URGENT, requested_at=NOW) == NOW + timedelta(days=1)
    assert policy.accept_by(Urgency.ROUTINE, requested_at=NOW) == NOW + timedelta(days=3)


def test_the_deadlines_and_coordinator_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TSUNAGU_REFERRALS_SLA_EMERGENCY_SECONDS", "90")
    monkeypatch.setenv("TSUNAGU_REFERRALS_COORDINATOR_AGENCY_ID", COORDINATOR)
    settings = ReferralsSettings()
    assert settings.coordinator_agency_id == COORDINATOR
    deadline = settings.sla_policy().accept_by(Urgency.EMERGENCY, requested_at=NOW)
    assert deadline == NOW + timedelta(seconds=90)


def test_a_leg_past_its_deadline_is_flagged_once_and_escalated_to_the_coordinator() -> None:
    referral = requested()
    deadline = referral.leg.accept_by
    assert deadline is not None
    assert not referral.leg.due(deadline - timedelta(seconds=1))
    event = referral.breach_sla(coordinator=COORDINATOR, now=deadline)
    assert event.type == types.REFERRAL_SLA_BREACHED
    assert event.data.escalated_to == COORDINATOR
    assert event.data.actor_agency_id == SYSTEM_ACTOR
    assert referral.overdue
    assert referral.leg.sla_breached_at == deadline
    with pytest.raises(TransitionNotAllowed):
        referral.breach_sla(coordinator=COORDINATOR, now=deadline + timedelta(hours=1))


def test_an_overdue_referral_is_no_longer_overdue_once_accepted() -> None:
    referral = requested()
    assert referral.leg.accept_by is not None
    referral.breach_sla(coordinator=COORDINATOR, now=referral.leg.accept_by)
    event = referral.accept(actor=RECEIVER, now=NOW + timedelta(days=2))
    assert not referral.overdue
    assert event.data.escalated_to is None
    assert event.data.accept_by is None
    assert referral.legs[0].sla_breached_at is not None, "the history keeps the breach"


def test_a_leg_not_yet_past_its_deadline_cannot_be_flagged() -> None:
    referral = requested()
    with pytest.raises(TransitionNotAllowed):
        referral.breach_sla(coordinator=COORDINATOR, now=NOW)


def test_cancelling_a_pending_handoff_withdraws_it_and_the_holder_keeps_the_case() -> None:
    referral = handed_off()
    event = referral.cancel(actor=RECEIVER, reason=CancelReason.SENT_IN_ERROR, now=NOW)
    assert referral.status is ReferralStatus.ACCEPTED
    assert referral.holder_agency_id == RECEIVER
    assert referral.leg.status is ReferralStatus.CANCELLED
    assert event.type == types.REFERRAL_CANCELLED
    assert event.data.status == "accepted"
    assert [a.value for a in referral.allowed_actions()] == ["handoff", "close"]


def test_cancelling_a_reroute_of_a_case_the_sender_never_accepted_cancels_the_referral() -> None:
    referral = declined()
    handoff = Handoff(to_agency_id=THIRD, reason=HandoffReason.DECLINED_ELSEWHERE)
    referral.handoff(actor=SENDER, request=handoff, target=agency(THIRD), now=NOW)
    referral.cancel(actor=SENDER, reason=CancelReason.SUBJECT_WITHDREW, now=NOW)
    assert referral.status is ReferralStatus.CANCELLED
    assert [leg.status for leg in referral.legs] == [
        ReferralStatus.DECLINED,
        ReferralStatus.CANCELLED,
    ]

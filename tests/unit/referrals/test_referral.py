"""The Referral aggregate: opening, holding, handing off, and the events it produces."""

from __future__ import annotations

import pytest

from services.referrals.domain import (
    ActorNotPermitted,
    Handoff,
    ReferralRefused,
    open_referral,
)
from tests.unit.referrals.journeys import (
    DISPLAY_NAME,
    NOW,
    OUTSIDER,
    RECEIVER,
    SENDER,
    THIRD,
    accepted,
    agency,
    consent,
    declined,
    handed_off,
    new_referral,
    requested,
)
from tsunagu_schemas import HandoffReason, ReferralStatus
from tsunagu_schemas import referral as types


def test_opening_a_referral_makes_the_sender_holder_and_emits_created() -> None:
    referral, event = open_referral(new_referral(), actor=SENDER, target=agency(RECEIVER), now=NOW)
    assert referral.id.startswith("ref_")
    int(referral.id.removeprefix("ref_"), 16)
    assert (referral.status, referral.version, referral.current_leg) == (
        ReferralStatus.REQUESTED,
        1,
        1,
    )
    assert referral.holder_agency_id == SENDER
    assert event.type == types.REFERRAL_CREATED
    assert (event.data.from_agency_id, event.data.to_agency_id) == (SENDER, RECEIVER)
    assert event.data.parties == [SENDER, RECEIVER]


def test_only_the_sending_agency_may_open_a_referral_from_itself() -> None:
    with pytest.raises(ActorNotPermitted):
        open_referral(new_referral(), actor=OUTSIDER, target=agency(RECEIVER), now=NOW)


@pytest.mark.parametrize(
    ("target", "needs"),
    [
        (None, ["food"]),
        (agency(RECEIVER, active=False), ["food"]),
        (agency(RECEIVER, categories=("housing",)), ["food", "debt"]),
        (
            agency(RECEIVER).model_copy(
                update={
                    "services": [
                        s.model_copy(update={"accepting_referrals": False})
                        for s in agency(RECEIVER).services
                    ]
                }
            ),
            ["food"],
        ),
    ],
    ids=["unknown", "deactivated", "no-matching-need", "not-accepting"],
)
def test_a_referral_to_an_agency_that_cannot_take_it_is_refused(
    target: object, needs: list[str]
) -> None:
    with pytest.raises(ReferralRefused) as refused:
        open_referral(new_referral(needs=needs), actor=SENDER, target=target, now=NOW)  # type: ignore[arg-type]
    assert refused.value.field == "to_agency_id"


def test_an_agency_cannot_refer_to_itself() -> None:
    request = new_referral(to_agency_id=SENDER)
    with pytest.raises(ReferralRefused):
        open_referral(request, actor=SENDER, target=agency(SENDER), now=NOW)


def test_a_referral_outside_the_consents_scope_is_refused() -> None:
    request = new_referral(basis=consent(scope=[THIRD]))
    with pytest.raises(ReferralRefused) as refused:
        open_referral(request, actor=SENDER, target=agency(RECEIVER), now=NOW)
    assert refused.value.field == "basis.scope"


def test_the_accepting_agency_becomes_holder_and_the_sender_keeps_following() -> None:
    referral = requested()
    event = referral.accept(actor=RECEIVER, now=NOW)
    assert referral.holder_agency_id == RECEIVER
    assert referral.followers == [SENDER]
    assert event.type == types.REFERRAL_ACCEPTED
    assert event.data.actor_agency_id == RECEIVER


def test_a_handoff_keeps_the_holder_until_the_new_agency_accepts() -> None:
    referral = handed_off()
    assert (referral.status, referral.holder_agency_id) == (ReferralStatus.REQUESTED, RECEIVER)
    assert (referral.leg.from_agency_id, referral.leg.to_agency_id) == (RECEIVER, THIRD)
    assert referral.current_leg == 2
    event = referral.accept(actor=THIRD, now=NOW)
    assert referral.holder_agency_id == THIRD
    assert referral.followers == [SENDER, RECEIVER]
    assert event.data.parties == [SENDER, RECEIVER, THIRD]
    assert event.data.leg == 2


def test_a_declined_referral_can_be_handed_to_another_agency_by_its_holder() -> None:
    referral = declined()
    handoff = Handoff(to_agency_id=THIRD, reason=HandoffReason.DECLINED_ELSEWHERE)
    event = referral.handoff(actor=SENDER, request=handoff, target=agency(THIRD), now=NOW)
    assert event.type == types.REFERRAL_HANDED_OFF
    assert event.data.reason == "declined_elsewhere"
    assert referral.holder_agency_id == SENDER
    assert [leg.status for leg in referral.legs] == [
        ReferralStatus.DECLINED,
        ReferralStatus.REQUESTED,
    ]


def test_a_handoff_without_its_own_basis_must_be_covered_by_the_referrals_consent() -> None:
    referral, _ = open_referral(
        new_referral(basis=consent(scope=[RECEIVER])),
        actor=SENDER,
        target=agency(RECEIVER),
        now=NOW,
    )
    referral.accept(actor=RECEIVER, now=NOW)
    handoff = Handoff(to_agency_id=THIRD, reason=HandoffReason.OTHER)
    with pytest.raises(ReferralRefused) as refused:
        referral.handoff(actor=RECEIVER, request=handoff, target=agency(THIRD), now=NOW)
    assert refused.value.field == "basis.scope"
    assert referral.current_leg == 1
    own = Handoff(to_agency_id=THIRD, reason=HandoffReason.OTHER, basis=consent(scope=[THIRD]))
    referral.handoff(actor=RECEIVER, request=own, target=agency(THIRD), now=NOW)
    assert referral.leg.basis.scope == [THIRD]


def test_a_handoff_to_an_agency_not_accepting_the_needs_is_refused() -> None:
    referral = accepted()
    handoff = Handoff(to_agency_id=THIRD, reason=HandoffReason.OTHER, needs=["debt"])
    with pytest.raises(ReferralRefused) as refused:
        referral.handoff(actor=RECEIVER, request=handoff, target=agency(THIRD), now=NOW)
    assert refused.value.field == "to_agency_id"


def test_a_referral_cannot_be_handed_to_its_own_holder() -> None:
    referral = accepted()
    handoff = Handoff(to_agency_id=RECEIVER, reason=HandoffReason.OTHER)
    with pytest.raises(ReferralRefused):
        referral.handoff(actor=RECEIVER, request=handoff, target=agency(RECEIVER), now=NOW)


def test_events_carry_no_personal_data() -> None:
    referral = requested()
    events = [referral.accept(actor=RECEIVER, now=NOW)]
    handoff = Handoff(to_agency_id=THIRD, reason=HandoffReason.OTHER)
    events.append(referral.handoff(actor=RECEIVER, request=handoff, target=agency(THIRD), now=NOW))
    for event in events:
        encoded = event.data.model_dump_json()
        assert DISPLAY_NAME not in encoded
        assert "090-0000-0000" not in encoded

"""The art. 29 record: every leg is a disclosure, listed for both agencies with its basis."""

from __future__ import annotations

from datetime import timedelta

from services.referrals.domain import (
    BasisKind,
    Direction,
    Handoff,
    LegalBasis,
    Referral,
    provision_records,
)
from tests.unit.referrals.journeys import NOW, RECEIVER, SENDER, THIRD, accepted, agency
from tsunagu_schemas import HandoffReason

MEETING = LegalBasis(kind=BasisKind.SUPPORT_MEETING, obtained_at=NOW, reference="mtg-7")
LATER = NOW + timedelta(days=3)


def _handed_on_under_a_meeting() -> list[Referral]:
    referral = accepted()
    handoff = Handoff(to_agency_id=THIRD, reason=HandoffReason.OTHER, basis=MEETING)
    referral.handoff(actor=RECEIVER, request=handoff, target=agency(THIRD), now=LATER)
    return [referral]


def test_the_receiving_agency_sees_the_disclosures_made_to_it_with_their_basis() -> None:
    records = provision_records(
        _handed_on_under_a_meeting(),
        agency_id=RECEIVER,
        since=NOW - timedelta(days=1),
        until=LATER + timedelta(days=1),
    )
    assert [(r.leg, r.direction, r.basis) for r in records] == [
        (1, Direction.RECEIVED, BasisKind.CONSENT),
        (2, Direction.MADE, BasisKind.SUPPORT_MEETING),
    ]
    assert records[1].reference == "mtg-7"
    assert records[1].to_agency_id == THIRD


def test_a_period_excludes_disclosures_outside_it_and_agencies_not_involved() -> None:
    referrals = _handed_on_under_a_meeting()
    end = LATER + timedelta(days=1)
    first_days = provision_records(referrals, agency_id=RECEIVER, since=NOW, until=LATER)
    assert [r.leg for r in first_days] == [1]
    assert provision_records(referrals, agency_id=SENDER, since=LATER, until=end) == []
    third = provision_records(referrals, agency_id=THIRD, since=NOW, until=end)
    assert [(r.leg, r.direction) for r in third] == [(2, Direction.RECEIVED)]

"""Which legal bases allow disclosing a person's data to a receiving agency."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.referrals.domain import BasisKind, LegalBasis, ReferralRefused, check_basis
from tests.unit.referrals.journeys import NOW, RECEIVER, THIRD, consent

LATER = NOW + timedelta(days=1)

VALID = {
    "consent for the whole network": consent(),
    "consent naming the receiving agency": consent(scope=[RECEIVER, THIRD]),
    "consent given by a guardian": consent(given_by="guardian"),
    "a support meeting with its reference": LegalBasis(
        kind=BasisKind.SUPPORT_MEETING, obtained_at=NOW, reference="meeting-2026-31"
    ),
    "protection of life": LegalBasis(kind=BasisKind.VITAL_INTEREST, obtained_at=NOW),
    "a legal obligation": LegalBasis(kind=BasisKind.LEGAL_OBLIGATION, obtained_at=NOW),
}

REFUSED = {
    "consent not covering the agency": (consent(scope=[THIRD]), "basis.scope"),
    "consent with an empty scope": (consent(scope=[]), "basis.scope"),
    "consent without a scope": (consent(scope=None), "basis.scope"),
    "consent without an expiry": (consent(expires_at=None), "basis.expires_at"),
    "consent that has expired": (
        consent(expires_at=NOW - timedelta(seconds=1)),
        "basis.expires_at",
    ),
    "consent expiring this very moment": (consent(expires_at=NOW), "basis.expires_at"),
    "consent not saying who gave it": (consent(given_by=None), "basis.given_by"),
    "a support meeting without reference": (
        LegalBasis(kind=BasisKind.SUPPORT_MEETING, obtained_at=NOW),
        "basis.reference",
    ),
}


@pytest.mark.parametrize("basis", list(VALID.values()), ids=list(VALID))
def test_a_valid_basis_covers_the_receiving_agency(basis: LegalBasis) -> None:
    check_basis(basis, receiving_agency_id=RECEIVER, now=NOW, field="basis")


@pytest.mark.parametrize(("basis", "field"), list(REFUSED.values()), ids=list(REFUSED))
def test_an_insufficient_basis_is_refused_naming_the_field(basis: LegalBasis, field: str) -> None:
    with pytest.raises(ReferralRefused) as refused:
        check_basis(basis, receiving_agency_id=RECEIVER, now=NOW, field="basis")
    assert refused.value.field == field
    assert refused.value.reason


def test_consent_valid_today_is_refused_once_the_clock_passes_its_expiry() -> None:
    basis = consent(expires_at=LATER)
    check_basis(basis, receiving_agency_id=RECEIVER, now=NOW, field="basis")
    with pytest.raises(ReferralRefused):
        check_basis(basis, receiving_agency_id=RECEIVER, now=LATER, field="basis")

"""The reading policy as a table: every party kind × referral state × basis state.

Each referral is walked through the domain's own transitions, so every agency stands where the
lifecycle puts it:
  leg 1  S → D   flagged overdue (escalated to the coordinator C), then declined by D
  leg 2  S → F   accepted; S keeps following
  leg 3  F → R   accepted; F does not keep following
  leg 4  R → X   cancelled by R (R had accepted, so the referral is accepted again)
then: requested (leg 5 R → T), declined (T declines leg 5), closed (R closes), accepted (as is).
A cancelled referral ends cancelled only if nobody ever accepted it, so it is walked apart:
  leg 1  S → D   flagged, declined;  leg 2  S → X   cancelled by S.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from itertools import product

import pytest

from services.referrals.domain import (
    BasisKind,
    Handoff,
    HiddenReason,
    LegalBasis,
    Referral,
    Standing,
    open_referral,
    standing_of,
    visibility,
)
from tsunagu_schemas import CancelReason, CloseOutcome, DeclineReason, HandoffReason

from .journeys import NOW, agency, consent, new_referral

S, D, F, R, X, T, OUT, C = "ag_s", "ag_d", "ag_f", "ag_r", "ag_x", "ag_t", "ag_o", "ag_c"
LATER = NOW + timedelta(days=2)
"""When the history after the first request happens (the first leg is overdue by then)."""
READ_VALID, READ_EXPIRED = NOW + timedelta(days=3), NOW + timedelta(days=31)

BASES: dict[str, tuple[LegalBasis, bool]] = {
    # name: (basis of every leg, whether it is read after the consent expired)
    "consent valid": (consent(), False),
    "consent expired": (consent(), True),
    "consent scope not covering the follower": (consent(scope=[D, F, R, X, T]), False),
    "support meeting": (
        LegalBasis(kind=BasisKind.SUPPORT_MEETING, obtained_at=NOW, reference="mtg-7"),
        False,
    ),
    "vital interest": (LegalBasis(kind=BasisKind.VITAL_INTEREST, obtained_at=NOW), False),
    "legal obligation": (LegalBasis(kind=BasisKind.LEGAL_OBLIGATION, obtained_at=NOW), False),
}
NON_CONSENT = ("support meeting", "vital interest", "legal obligation")


def _handoff(referral: Referral, actor: str, to: str, *, follow: bool = True) -> None:
    request = Handoff(
        to_agency_id=to, reason=HandoffReason.NEEDS_OTHER_SUPPORT, keep_following=follow
    )
    referral.handoff(actor=actor, request=request, target=agency(to), now=LATER)


def _opened(basis: LegalBasis) -> Referral:
    """Leg 1 S → D, flagged overdue to C, then declined by D."""
    referral, _ = open_referral(
        new_referral(from_agency_id=S, to_agency_id=D, basis=basis),
        actor=S,
        target=agency(D),
        now=NOW,
    )
    referral.breach_sla(coordinator=C, now=LATER)
    referral.decline(actor=D, reason=DeclineReason.NO_CAPACITY, comment="full", now=LATER)
    return referral


def _accepted(basis: LegalBasis) -> Referral:
    referral = _opened(basis)
    _handoff(referral, S, F, follow=True)
    referral.accept(actor=F, now=LATER)
    _handoff(referral, F, R, follow=False)
    referral.accept(actor=R, now=LATER)
    _handoff(referral, R, X)
    referral.cancel(actor=R, reason=CancelReason.SENT_IN_ERROR, now=LATER)
    return referral


def _requested(basis: LegalBasis) -> Referral:
    referral = _accepted(basis)
    _handoff(referral, R, T)
    return referral


def _declined(basis: LegalBasis) -> Referral:
    referral = _requested(basis)
    referral.decline(actor=T, reason=DeclineReason.OUT_OF_SCOPE, comment=None, now=LATER)
    return referral


def _closed(basis: LegalBasis) -> Referral:
    referral = _accepted(basis)
    referral.close(actor=R, outcome=CloseOutcome.RESOLVED, comment=None, now=LATER)
    return referral


def _cancelled(basis: LegalBasis) -> Referral:
    referral = _opened(basis)
    _handoff(referral, S, X)
    referral.cancel(actor=S, reason=CancelReason.SUBJECT_WITHDREW, now=LATER)
    return referral


STATES: dict[str, Callable[[LegalBasis], Referral]] = {
    "requested": _requested,
    "accepted": _accepted,
    "declined": _declined,
    "closed": _closed,
    "cancelled": _cancelled,
}

# Who plays each party kind in each state, and the legs it sees in full (the rest: status only).
LONG = {
    "holder": (R, {1, 2, 3, 4}),
    "earlier holder following": (S, {1, 2}),
    "earlier holder not following": (F, {2, 3}),
    "decliner": (D, {1}),
    "agency whose leg was cancelled": (X, {4}),
    "never asked": (OUT, set()),
    "coordinator (escalated to, never party)": (C, set()),
}
CAST: dict[str, dict[str, tuple[str, set[int]]]] = {
    "requested": {
        **LONG,
        "holder": (R, {1, 2, 3, 4, 5}),
        "asked": (T, {5}),
    },
    "accepted": LONG,
    "declined": {**LONG, "holder": (R, {1, 2, 3, 4, 5}), "decliner": (T, {5})},
    "closed": LONG,
    "cancelled": {
        "holder": (S, {1, 2}),
        "decliner": (D, {1}),
        "agency whose leg was cancelled": (X, {2}),
        "never asked": (OUT, set()),
        "coordinator (escalated to, never party)": (C, set()),
    },
}

STANDING = {
    "holder": Standing.HOLDER,
    "asked": Standing.ASKED,
    "earlier holder following": Standing.FOLLOWER,
    "earlier holder not following": Standing.FORMER,
    "decliner": Standing.DECLINED,
    "agency whose leg was cancelled": Standing.LEG_CANCELLED,
    "never asked": Standing.NOT_PARTY,
    "coordinator (escalated to, never party)": Standing.NOT_PARTY,
}


def expected_subject(kind: str, basis: str) -> tuple[bool, HiddenReason | None]:
    """The table of docs/privacy.md: whether the person's data is shown, and if not, why."""
    fixed = {
        "holder": (True, None),
        "asked": (True, None),
        "earlier holder not following": (False, HiddenReason.NOT_FOLLOWING),
        "decliner": (False, HiddenReason.DECLINED),
        "agency whose leg was cancelled": (False, HiddenReason.LEG_CANCELLED),
        "never asked": (False, HiddenReason.NOT_PARTY),
        "coordinator (escalated to, never party)": (False, HiddenReason.NOT_PARTY),
    }
    if kind in fixed:
        return fixed[kind]
    follower = {
        "consent valid": (True, None),
        "consent expired": (False, HiddenReason.CONSENT_EXPIRED),
        "consent scope not covering the follower": (False, HiddenReason.BASIS_NOT_COVERING),
    }
    return follower.get(basis, (True, None))  # a non-consent basis covers the legs' agencies


CELLS = [(kind, state, basis) for state, basis in product(STATES, BASES) for kind in CAST[state]]


@pytest.mark.parametrize(("kind", "state", "basis"), CELLS)
def test_the_reading_policy_table(kind: str, state: str, basis: str) -> None:
    legal_basis, expired = BASES[basis]
    referral = STATES[state](legal_basis)
    assert referral.status.value == state
    agency_id, legs = CAST[state][kind]
    seen = visibility(referral, agency_id=agency_id, now=READ_EXPIRED if expired else READ_VALID)
    assert seen.standing is STANDING[kind]
    assert (seen.subject, seen.hidden_reason) == expected_subject(kind, basis)
    assert seen.full_legs == legs
    assert seen.party is (kind not in ("never asked", "coordinator (escalated to, never party)"))
    assert seen.all_legs is (kind == "holder")


UNREACHABLE = {
    *(("asked", state) for state in ("accepted", "declined", "closed", "cancelled")),
    ("earlier holder following", "cancelled"),
    ("earlier holder not following", "cancelled"),
}
"""Cells the lifecycle cannot produce; the two tests below show why."""


def test_the_table_covers_every_party_kind_in_every_state_but_the_unreachable() -> None:
    every = {(kind, state) for kind in STANDING for state in STATES}
    assert {(kind, state) for state in STATES for kind in CAST[state]} == every - UNREACHABLE
    assert len(CELLS) == len(every - UNREACHABLE) * len(BASES)


@pytest.mark.parametrize("state", ["accepted", "declined", "closed", "cancelled"])
def test_no_agency_is_asked_unless_the_referral_is_requested(state: str) -> None:
    referral = STATES[state](consent())
    assert all(standing_of(referral, a) is not Standing.ASKED for a in (S, D, F, R, X, T, OUT, C))


@pytest.mark.parametrize("basis", list(BASES))
def test_a_cancelled_referral_has_no_follower_and_no_earlier_holder(basis: str) -> None:
    # It ends cancelled only when nobody ever accepted it: nobody held it before the creator.
    referral = _cancelled(BASES[basis][0])
    assert referral.followers == []
    assert {standing_of(referral, a) for a in referral.parties} == {
        Standing.HOLDER,
        Standing.DECLINED,
        Standing.LEG_CANCELLED,
    }


def test_a_non_consent_basis_covers_only_the_agencies_of_the_legs_made_on_it() -> None:
    # Consent names S's partners but not S; F hands to R on a support meeting: S's consent
    # does not cover it, and the meeting covers F and R, not S.
    referral, _ = open_referral(
        new_referral(from_agency_id=S, to_agency_id=F, basis=consent(scope=[F, R])),
        actor=S,
        target=agency(F),
        now=NOW,
    )
    referral.accept(actor=F, now=NOW)
    meeting = LegalBasis(kind=BasisKind.SUPPORT_MEETING, obtained_at=NOW, reference="mtg-9")
    handoff = Handoff(to_agency_id=R, reason=HandoffReason.NEEDS_OTHER_SUPPORT, basis=meeting)
    referral.handoff(actor=F, request=handoff, target=agency(R), now=NOW)
    referral.accept(actor=R, now=NOW)
    assert referral.followers == [S, F]
    assert visibility(referral, agency_id=S, now=READ_VALID).hidden_reason is (
        HiddenReason.BASIS_NOT_COVERING
    )
    assert visibility(referral, agency_id=F, now=READ_VALID).subject
    # Once the consent expired, F is still covered by the meeting it handed the case on under.
    assert visibility(referral, agency_id=F, now=READ_EXPIRED).subject


def test_a_non_consent_basis_stops_covering_at_the_expiry_it_states() -> None:
    basis = LegalBasis(
        kind=BasisKind.VITAL_INTEREST, obtained_at=NOW, expires_at=NOW + timedelta(days=10)
    )
    referral = _accepted(basis)
    assert visibility(referral, agency_id=S, now=READ_VALID).subject
    assert not visibility(referral, agency_id=S, now=NOW + timedelta(days=11)).subject
    assert visibility(referral, agency_id=R, now=NOW + timedelta(days=11)).subject


def test_an_agency_asked_again_after_declining_sees_the_data_while_asked() -> None:
    referral = _opened(consent())
    _handoff(referral, S, D)
    assert standing_of(referral, D) is Standing.ASKED
    assert visibility(referral, agency_id=D, now=READ_VALID).subject


def test_events_are_meant_only_for_those_still_covered_and_the_current_legs_agencies() -> None:
    referral = _opened(consent())  # D declined leg 1
    _handoff(referral, S, F, follow=True)
    handed = referral.leg
    assert (handed.from_agency_id, handed.to_agency_id) == (S, F)
    data = referral.event_data(actor=S, now=LATER, reason=None)
    assert data.parties == [S, D, F]
    assert data.audience == [S, F]  # D, which declined, hears no more of where the person goes
    referral.accept(actor=F, now=LATER)
    _handoff(referral, F, R, follow=False)
    referral.accept(actor=R, now=LATER)
    # S follows under valid consent; F chose not to follow; D declined long ago.
    assert referral.event_data(actor=R, now=LATER, reason=None).audience == [S, F, R]
    referral.close(actor=R, outcome=CloseOutcome.RESOLVED, comment=None, now=LATER)
    closed = referral.event_data(actor=R, now=READ_EXPIRED, reason=None)
    assert closed.audience == [F, R]  # S's consent expired; F and R are the current leg's


def test_erasure_and_correction_notices_go_to_every_agency_that_had_the_data() -> None:
    referral = _opened(consent())  # D declined: it received the data once
    _handoff(referral, S, F, follow=True)
    erased = referral.changed("tsunagu.referral.subject_erased", actor=S, now=LATER)
    assert erased.data.audience == erased.data.parties == [S, D, F]
    corrected = referral.changed("tsunagu.referral.subject_corrected", actor=S, now=LATER)
    assert corrected.data.audience == [S, D, F]

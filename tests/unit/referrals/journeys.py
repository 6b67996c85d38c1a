"""Referrals at each stage of their journey, for the domain's unit tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.referrals.domain import (
    Agency,
    BasisKind,
    GivenBy,
    Handoff,
    LegalBasis,
    NewReferral,
    Referral,
    Subject,
    open_referral,
)
from tsunagu_schemas import (
    CancelReason,
    CloseOutcome,
    DeclineReason,
    HandoffReason,
    ServiceEntry,
    Urgency,
)

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
SENDER, RECEIVER, THIRD, OUTSIDER = "ag_sender", "ag_receiver", "ag_third", "ag_outsider"
DISPLAY_NAME = "山田 花子"


def agency(agency_id: str, *, categories: tuple[str, ...] = ("food",), **changes: object) -> Agency:
    """An active agency accepting referrals for `categories`."""
    service = ServiceEntry(name="support", categories=list(categories), areas=["citywide"])
    fields: dict[str, object] = {
        "agency_id": agency_id,
        "version": 1,
        "name": agency_id,
        "services": [service],
    }
    return Agency.model_validate({**fields, **changes})


def consent(*, scope: list[str] | str = "network", **changes: object) -> LegalBasis:
    """The person's consent, valid for a month."""
    fields: dict[str, object] = {
        "kind": BasisKind.CONSENT,
        "given_by": GivenBy.SUBJECT,
        "scope": scope,
        "obtained_at": NOW - timedelta(days=1),
        "expires_at": NOW + timedelta(days=30),
    }
    return LegalBasis.model_validate({**fields, **changes})


def new_referral(**changes: object) -> NewReferral:
    """A request from SENDER to RECEIVER for food support, under consent for the network."""
    fields: dict[str, object] = {
        "from_agency_id": SENDER,
        "to_agency_id": RECEIVER,
        "needs": ["food"],
        "urgency": Urgency.URGENT,
        "subject": Subject(display_name=DISPLAY_NAME, contact="090-0000-0000", birth_year=1980),
        "basis": consent(),
    }
    return NewReferral(**{**fields, **changes})  # type: ignore[arg-type]


def requested() -> Referral:
    """SENDER holds the case and asks RECEIVER."""
    referral, _ = open_referral(new_referral(), actor=SENDER, target=agency(RECEIVER), now=NOW)
    return referral


def accepted() -> Referral:
    """RECEIVER accepted and holds the case."""
    referral = requested()
    referral.accept(actor=RECEIVER, now=NOW)
    return referral


def declined() -> Referral:
    """RECEIVER declined; SENDER still holds the case."""
    referral = requested()
    referral.decline(actor=RECEIVER, reason=DeclineReason.NO_CAPACITY, comment=None, now=NOW)
    return referral


def closed() -> Referral:
    """RECEIVER accepted, then closed the case."""
    referral = accepted()
    referral.close(actor=RECEIVER, outcome=CloseOutcome.RESOLVED, comment=None, now=NOW)
    return referral


def cancelled() -> Referral:
    """SENDER withdrew the request."""
    referral = requested()
    referral.cancel(actor=SENDER, reason=CancelReason.SENT_IN_ERROR, now=NOW)
    return referral


def handed_off() -> Referral:
    """RECEIVER accepted, then asked THIRD; RECEIVER holds the case until THIRD accepts."""
    referral = accepted()
    handoff = Handoff(to_agency_id=THIRD, reason=HandoffReason.NEEDS_OTHER_SUPPORT)
    referral.handoff(actor=RECEIVER, request=handoff, target=agency(THIRD), now=NOW)
    return referral

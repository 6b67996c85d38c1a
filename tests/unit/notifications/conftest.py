"""Builders of referral events for the notifications unit tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from services.notifications.domain import SourceEvent
from tsunagu_schemas import ReferralEventData, ReferralStatus, Urgency

MOMENT = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)


def _referral_data(**changes: Any) -> ReferralEventData:
    """A referral event's data, with any field replaced."""
    fields: dict[str, Any] = {
        "referral_id": "ref-1",
        "version": 2,
        "leg": 1,
        "from_agency_id": "agency-a",
        "to_agency_id": "agency-b",
        "needs": ["food"],
        "urgency": Urgency.URGENT,
        "status": ReferralStatus.ACCEPTED,
        "actor_agency_id": "agency-b",
        "parties": ["agency-a", "agency-b"],
        "occurred_at": MOMENT,
    }
    fields.update(changes)
    return ReferralEventData.model_validate(fields)


def _source_event(data: ReferralEventData | None = None, *, event_id: str = "evt-1") -> SourceEvent:
    """A referral event as the domain receives it."""
    data = data or _referral_data()
    return SourceEvent(
        id=event_id,
        source="urn:tsunagu:referrals",
        type="tsunagu.referral.accepted",
        time=MOMENT,
        subject=data.referral_id,
        dataschema="https://schemas.tsunagu.org/v1/referral-event.json",
        traceparent=None,
        data=data.model_dump(mode="json"),
    )


@pytest.fixture
def moment() -> datetime:
    """The fixed time the events happened."""
    return MOMENT


@pytest.fixture
def referral_data() -> Callable[..., ReferralEventData]:
    """Build a referral event's data, replacing any field."""
    return _referral_data


@pytest.fixture
def make_event() -> Callable[..., SourceEvent]:
    """Build a referral event as the domain receives it."""
    return _source_event


@pytest.fixture
def event() -> SourceEvent:
    """An accepted referral between agency-a and agency-b."""
    return _source_event()

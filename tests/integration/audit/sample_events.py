"""Events of every kind with fresh ids, and ways to wait for their audit records."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from services.audit.settings import AuditSettings
from tests.integration.harness import eventually
from tsunagu_schemas import (
    AgencyEventData,
    AgencyKind,
    Channel,
    NotificationEventData,
    ReferralEventData,
    ReferralStatus,
    Urgency,
)


@dataclass(frozen=True)
class AuditService:
    """A running audit service: its HTTP client and its settings."""

    http: httpx.AsyncClient
    settings: AuditSettings


def fresh_id(prefix: str) -> str:
    """An id no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def referral_data(*, referral_id: str, actor: str = "agency-b") -> ReferralEventData:
    """A referral from agency a to agency b, accepted by `actor`."""
    return ReferralEventData(
        referral_id=referral_id,
        version=2,
        leg=1,
        from_agency_id="agency-a",
        to_agency_id="agency-b",
        needs=["housing"],
        urgency=Urgency.URGENT,
        status=ReferralStatus.ACCEPTED,
        actor_agency_id=actor,
        parties=["agency-a", "agency-b"],
        occurred_at=datetime.now(UTC),
    )


def agency_data(*, agency_id: str) -> AgencyEventData:
    """A newly registered agency."""
    return AgencyEventData(
        agency_id=agency_id,
        version=1,
        name="Kodomo Shokudo Minami",
        kind=AgencyKind.NPO,
        occurred_at=datetime.now(UTC),
    )


def notification_data(*, agency_id: str, referral_id: str) -> NotificationEventData:
    """A delivery to an agency's inbox."""
    return NotificationEventData(
        notification_id=fresh_id("notification"),
        agency_id=agency_id,
        channel=Channel.INBOX,
        source_event_id=fresh_id("event"),
        source_event_type="tsunagu.referral.accepted",
        referral_id=referral_id,
        attempts=1,
        occurred_at=datetime.now(UTC),
    )


async def records_of(http: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    """Every record matching the search, across pages."""
    found: list[dict[str, Any]] = []
    after_seq = 0
    while True:
        response = await http.get(
            "/v1/audit/records", params={**params, "after_seq": after_seq, "limit": 200}
        )
        assert response.status_code == 200, response.text
        page = response.json()
        found.extend(page["items"])
        if page["next_after_seq"] is None:
            return found
        after_seq = page["next_after_seq"]


async def recorded(http: httpx.AsyncClient, *, count: int, **params: Any) -> list[dict[str, Any]]:
    """Wait until `count` records match the search; return them."""

    async def enough() -> list[dict[str, Any]] | None:
        found = await records_of(http, **params)
        return found if len(found) >= count else None

    result: list[dict[str, Any]] = await eventually(enough, timeout=45.0, interval=0.3)
    return result

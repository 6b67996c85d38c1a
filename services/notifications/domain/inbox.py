"""In-app inbox entries: one per referral event and party, free of personal data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tsunagu_schemas import ReferralEventData

from .events import SourceEvent


def notification_id(*, event_id: str, agency_id: str) -> str:
    """The id of the notification telling `agency_id` about `event_id` (deterministic)."""
    return f"{event_id}:{agency_id}"


@dataclass(frozen=True)
class InboxEntry:
    """One notification waiting in an agency's inbox."""

    notification_id: str
    agency_id: str
    event_id: str
    event_type: str
    referral_id: str | None
    summary: str
    occurred_at: datetime
    created_at: datetime
    read: bool = False
    read_at: datetime | None = None


def summary(*, event_type: str, data: ReferralEventData) -> str:
    """A one-line description of the event: ids, codes and states only."""
    action = event_type.rsplit(".", 1)[-1].replace("_", " ")
    text = (
        f"Referral {data.referral_id} {action} by agency {data.actor_agency_id} "
        f"(leg {data.leg}: {data.from_agency_id} → {data.to_agency_id}, "
        f"{data.urgency.value}, status {data.status.value})"
    )
    if data.reason:
        text += f"; reason {data.reason}"
    if data.outcome:
        text += f"; outcome {data.outcome.value}"
    return text


def inbox_entries(event: SourceEvent, *, agency_ids: list[str], now: datetime) -> list[InboxEntry]:
    """The inbox entries that tell each of `agency_ids` about `event`."""
    data = event.referral
    text = summary(event_type=event.type, data=data)
    return [
        InboxEntry(
            notification_id=notification_id(event_id=event.id, agency_id=agency_id),
            agency_id=agency_id,
            event_id=event.id,
            event_type=event.type,
            referral_id=data.referral_id,
            summary=text,
            occurred_at=data.occurred_at,
            created_at=now,
        )
        for agency_id in agency_ids
    ]

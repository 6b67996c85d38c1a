"""In-memory stand-ins for the notifications service's ports."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from services.notifications.domain import (
    AgencyContact,
    Delivery,
    DeliveryOutcome,
    DeliveryStatus,
    InboxEntry,
    SigningSecrets,
)
from services.notifications.ports import Claim, DeliveryFailed, InboxPage, Ports
from tsunagu_schemas import Channel


@dataclass
class InMemoryContacts:
    """Agency contacts, each replaced only by a higher version."""

    stored: dict[str, AgencyContact] = field(default_factory=dict)

    async def save_if_newer(self, contact: AgencyContact) -> bool:
        known = self.stored.get(contact.agency_id)
        if known is not None and known.version >= contact.version:
            return False
        self.stored[contact.agency_id] = contact
        return True

    async def find(self, agency_ids: list[str]) -> list[AgencyContact]:
        return [self.stored[a] for a in agency_ids if a in self.stored]


@dataclass
class InMemoryInbox:
    """Inbox entries by notification id."""

    entries: dict[str, InboxEntry] = field(default_factory=dict)

    async def add(self, entries: list[InboxEntry]) -> int:
        new = [e for e in entries if e.notification_id not in self.entries]
        self.entries.update({e.notification_id: e for e in new})
        return len(new)

    async def page(
        self, *, agency_id: str, unread: bool | None, limit: int, cursor: str | None
    ) -> InboxPage:
        mine = [e for e in self.entries.values() if e.agency_id == agency_id]
        mine = [e for e in mine if unread is None or e.read is not unread]
        return InboxPage(items=mine[:limit], next_cursor=None)

    async def mark_read(
        self, *, agency_id: str, notification_id: str, now: datetime
    ) -> InboxEntry | None:
        entry = self.entries.get(notification_id)
        if entry is None or entry.agency_id != agency_id:
            return None
        if not entry.read:
            entry = self.entries[notification_id] = replace(entry, read=True, read_at=now)
        return entry


@dataclass
class InMemoryQueue:
    """Deliveries by id; a claim hides a delivery until its lease ends."""

    deliveries: dict[str, Delivery] = field(default_factory=dict)
    leased_until: dict[str, datetime] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)

    async def add(self, deliveries: list[Delivery]) -> int:
        new = [d for d in deliveries if d.delivery_id not in self.deliveries]
        self.deliveries.update({d.delivery_id: d for d in new})
        return len(new)

    async def claim_due(self, *, now: datetime, lease: timedelta) -> Claim | None:
        due = [
            d
            for d in self.deliveries.values()
            if d.status is DeliveryStatus.PENDING
            and d.next_attempt_at <= now
            and self.leased_until.get(d.delivery_id, now) <= now
        ]
        if not due:
            return None
        first = min(due, key=lambda d: d.next_attempt_at)
        self.leased_until[first.delivery_id] = now + lease
        # counted when claimed, as the store does: an attempt that never ends still counts
        self.deliveries[first.delivery_id] = replace(first, attempts=first.attempts + 1)
        return Claim(first, token=f"{first.delivery_id}@{now.isoformat()}")

    async def record(self, claim: Claim, outcome: DeliveryOutcome, *, now: datetime) -> bool:
        self.deliveries[claim.delivery.delivery_id] = outcome.delivery
        self.leased_until.pop(claim.delivery.delivery_id, None)
        if outcome.notice is not None:
            self.notices.append(outcome.notice.event_type)
        return True


@dataclass
class RecordingChannel:
    """A channel that records what it sent, or fails while told to."""

    sent: list[str] = field(default_factory=list)
    failing: bool = False

    async def send(self, delivery: Delivery) -> None:
        if self.failing:
            raise DeliveryFailed("receiver answered 503")
        self.sent.append(delivery.delivery_id)


@dataclass
class InMemorySecrets:
    """Signing secrets by agency id, replaced only over the version that was read."""

    stored: dict[str, SigningSecrets] = field(default_factory=dict)

    async def get(self, agency_id: str) -> SigningSecrets | None:
        return self.stored.get(agency_id)

    async def add(self, secrets: SigningSecrets) -> SigningSecrets:
        return self.stored.setdefault(secrets.agency_id, secrets)

    async def replace(self, old: SigningSecrets, new: SigningSecrets) -> bool:
        if self.stored.get(old.agency_id) != old:
            return False
        self.stored[old.agency_id] = new
        return True


class FixedClock:
    """A clock the test sets."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment


WEBHOOK = AgencyContact("agency-b", 1, webhook_url="https://b.example/hook")


def in_memory_ports(moment: datetime, webhook: RecordingChannel | None = None) -> Ports:
    """Ports over empty in-memory stores; agency-b wants webhooks, sent through `webhook`."""
    return Ports(
        agencies=InMemoryContacts({WEBHOOK.agency_id: WEBHOOK}),
        inbox=InMemoryInbox(),
        deliveries=InMemoryQueue(),
        clock=FixedClock(moment),
        senders={Channel.WEBHOOK: webhook or RecordingChannel()},
        secrets=InMemorySecrets(),
        lease=timedelta(seconds=30),
    )

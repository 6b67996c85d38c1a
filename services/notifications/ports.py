"""What the use cases need from the outside world, as protocols the adapters fulfil."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from services.notifications.domain import (
    AgencyContact,
    Delivery,
    DeliveryOutcome,
    InboxEntry,
    RetryPolicy,
    SigningSecrets,
)
from tsunagu.clock import Clock
from tsunagu_schemas import Channel


class DeliveryFailed(Exception):
    """A channel could not pass the event on this time; the delivery will be retried."""


class InvalidCursor(ValueError):
    """A pagination cursor this service did not hand out."""


class AgencyContacts(Protocol):
    """The local read model of agencies' delivery preferences."""

    async def save_if_newer(self, contact: AgencyContact) -> bool:
        """Store the contact unless a same or newer version is there; tell if it was stored."""
        ...

    async def find(self, agency_ids: list[str]) -> list[AgencyContact]:
        """The known contacts among `agency_ids`."""
        ...


@dataclass(frozen=True)
class InboxPage:
    """One page of an inbox, newest first."""

    items: list[InboxEntry]
    next_cursor: str | None


class Inbox(Protocol):
    """Agencies' in-app inboxes."""

    async def add(self, entries: list[InboxEntry]) -> int:
        """Store the entries not stored yet; return how many were new."""
        ...

    async def page(
        self, *, agency_id: str, unread: bool | None, limit: int, cursor: str | None
    ) -> InboxPage:
        """One page of an agency's inbox, optionally only unread (or only read) entries."""
        ...

    async def mark_read(
        self, *, agency_id: str, notification_id: str, now: datetime
    ) -> InboxEntry | None:
        """Mark an entry read (keeping the first read time); None when there is no such entry."""
        ...


@dataclass(frozen=True)
class Claim:
    """A delivery taken by one worker for the length of a lease."""

    delivery: Delivery
    token: str


class DeliveryQueue(Protocol):
    """Deliveries waiting to be attempted, surviving restarts."""

    async def add(self, deliveries: list[Delivery]) -> int:
        """Store the deliveries not stored yet; return how many were new."""
        ...

    async def claim_due(self, *, now: datetime, lease: timedelta) -> Claim | None:
        """Take the delivery due first, hidden from other workers until the lease ends."""
        ...

    async def record(self, claim: Claim, outcome: DeliveryOutcome, *, now: datetime) -> bool:
        """Store an attempt's outcome and its event in one write, if the claim still holds."""
        ...


class ChannelSender(Protocol):
    """One way of passing an event on to an agency."""

    async def send(self, delivery: Delivery) -> None:
        """Deliver, raising DeliveryFailed (or any error) when it did not go through."""
        ...


class SigningSecretStore(Protocol):
    """Agencies' webhook signing secrets, kept encrypted."""

    async def get(self, agency_id: str) -> SigningSecrets | None:
        """The agency's secrets, or None before it has any."""
        ...

    async def add(self, secrets: SigningSecrets) -> SigningSecrets:
        """Store an agency's first secrets; if some were stored first, return those instead."""
        ...

    async def replace(self, old: SigningSecrets, new: SigningSecrets) -> bool:
        """Store `new` if `old` is still what is stored; tell whether it was."""
        ...


def _nobody() -> None:
    """Tell no one (when nothing waits for planned deliveries)."""


@dataclass(frozen=True)
class Ports:
    """Everything the use cases depend on."""

    agencies: AgencyContacts
    inbox: Inbox
    deliveries: DeliveryQueue
    clock: Clock
    senders: Mapping[Channel, ChannelSender]
    secrets: SigningSecretStore
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    lease: timedelta = timedelta(seconds=60)
    secret_grace: timedelta = timedelta(hours=24)
    on_planned: Callable[[], None] = _nobody

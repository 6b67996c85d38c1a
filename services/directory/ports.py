"""What the directory's use cases need from the outside: where agencies live, who publishes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from tsunagu.clock import Clock

from .domain import Agency, AgencyChange, AgencySearch, Taxonomy


class AgencyRepository(Protocol):
    """Where agencies and their pending events are kept."""

    async def add(self, change: AgencyChange, *, traceparent: str | None) -> None:
        """Store a newly registered agency with its pending event; AgencyExists if taken."""
        ...

    async def get(self, agency_id: str) -> Agency | None:
        """Load one agency, or None."""
        ...

    async def save(
        self, change: AgencyChange, *, expected_version: int, traceparent: str | None
    ) -> bool:
        """Store a change if the agency is still at `expected_version`; False otherwise."""
        ...

    async def search(self, search: AgencySearch, *, limit: int, after: str | None) -> list[Agency]:
        """Up to `limit` matching agencies in id order, after the id `after`."""
        ...


class EventRelay(Protocol):
    """What publishes the stored pending events."""

    def notify(self) -> None:
        """Say that new events are waiting."""
        ...


class AgencyCredentials(Protocol):
    """The clients that act for agencies, as the issuer keeps them."""

    async def revoke_agency(self, agency_id: str) -> int:
        """Revoke every client of an agency; how many were revoked."""


class WebhookTargets(Protocol):
    """Whether a webhook URL may be recorded for an agency."""

    async def check(self, url: str) -> None:
        """Return if the URL may be called; raise WebhookRefused saying why not."""
        ...


@dataclass(frozen=True)
class Ports:
    """Everything the use cases depend on."""

    agencies: AgencyRepository
    relay: EventRelay
    taxonomy: Taxonomy
    clock: Clock
    webhooks: WebhookTargets
    utc_offset: str = "+09:00"
    """The city's offset from UTC, at which opening hours are local times (HSDS exchange)."""
    credentials: AgencyCredentials | None = None
    """The built-in issuer's clients, revoked with their agency (None with an outside issuer)."""

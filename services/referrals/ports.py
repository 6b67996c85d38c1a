"""What the use cases need from the outside world, as protocols the adapters fulfil."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from tsunagu_schemas import ReferralStatus, Urgency

from .domain import Agency, Referral, ReferralEvent


class Clock(Protocol):
    """Tells the time; tests substitute one they can move."""

    def now(self) -> datetime:
        """The current time, UTC."""
        ...


@dataclass(frozen=True)
class ReferralQuery:
    """Which referrals an agency lists, newest first, one page at a time."""

    agency_id: str
    status: ReferralStatus | None = None
    urgency: Urgency | None = None
    limit: int = 50
    before_id: str | None = None


class ReferralRepository(Protocol):
    """Referrals with their pending events, written together in one document."""

    async def add(
        self, referral: Referral, event: ReferralEvent, *, traceparent: str | None
    ) -> None:
        """Store a new referral with its first event pending."""
        ...

    async def get(self, referral_id: str) -> Referral | None:
        """The referral, or None."""
        ...

    async def save(
        self,
        referral: Referral,
        event: ReferralEvent,
        *,
        expected_version: int,
        traceparent: str | None,
    ) -> bool:
        """Store the change and its event if the stored version is still `expected_version`."""
        ...

    async def page(self, query: ReferralQuery) -> list[Referral]:
        """Up to `query.limit` referrals the agency is party to, newest first."""
        ...


class AgencyDirectory(Protocol):
    """The local read model of the directory."""

    async def get(self, agency_id: str) -> Agency | None:
        """The agency, or None when the directory never announced it."""
        ...

    async def apply(self, agency: Agency) -> bool:
        """Store the agency if newer than what is stored; tell whether it was applied."""
        ...


@dataclass(frozen=True)
class Ports:
    """Everything the use cases depend on."""

    referrals: ReferralRepository
    agencies: AgencyDirectory
    clock: Clock

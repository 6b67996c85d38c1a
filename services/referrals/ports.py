"""What the use cases need from the outside world, as protocols the adapters fulfil."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from tsunagu.clock import Clock
from tsunagu_schemas import ReferralStatus, Urgency

from .domain import (
    DEFAULT_RETENTION,
    DEFAULT_SLA,
    Agency,
    Referral,
    ReferralEvent,
    SlaPolicy,
    SubjectView,
)
from .domain.overdue import WaitingLeg
from .domain.stats import DEFAULT_MIN_COUNT, ReferralFacts


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

    async def get(self, referral_id: str, *, recent: bool = False) -> Referral | None:
        """The referral, or None. With `recent`, the copy this process last wrote may answer
        without asking the store: for a change saved over its version, where a copy that
        another process has overtaken only makes the save miss."""
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

    async def party_to(self, agency_id: str, *, since: datetime) -> list[Referral]:
        """Every referral the agency is party to that changed at or after `since`."""
        ...

    async def due(self, now: datetime, *, limit: int) -> list[str]:
        """Ids of referrals whose current leg is past its deadline and not yet flagged."""
        ...


class HouseholdLinks(Protocol):
    """Links between referrals of members of one household (kept apart from their content)."""

    async def link(self, referral_id: str, other_id: str, *, by: str, at: datetime) -> bool:
        """Link two referrals both ways; tell whether the link is new."""
        ...

    async def related(self, referral_id: str) -> list[str]:
        """Ids of the referrals linked to this one."""
        ...


class Erasures(Protocol):
    """Destroying data keys, and finding the referrals whose person's data must go."""

    async def shred(self, referral_id: str) -> bool:
        """Destroy the referral's data key; tell whether one was kept."""
        ...

    async def unshredded(self, *, limit: int) -> list[str]:
        """Ids of erased referrals whose data key may still be kept."""
        ...

    async def expired(self, before: datetime, *, limit: int) -> list[str]:
        """Ids of referrals ended at or before `before` whose person's data is still kept."""
        ...


class SubjectViewLog(Protocol):
    """The record of every read of a person's data, each stored with its event (an outbox)."""

    async def record(self, view: SubjectView, *, traceparent: str | None) -> None:
        """Keep the read and its `subject_viewed` event, in one write."""
        ...

    async def of_referral(self, referral_id: str) -> list[SubjectView]:
        """Every read of the referral's person's data, oldest first."""
        ...

    async def by_agency(
        self, agency_id: str, *, since: datetime, until: datetime
    ) -> list[SubjectView]:
        """The reads the agency made in [since, until), oldest first."""
        ...


class ReferralIdTaken(Exception):
    """A new referral's id is already stored."""


class CreationKeys(Protocol):
    """Idempotency keys of creations: the first claim of a key fixes the referral it makes."""

    async def claim(
        self, *, agency_id: str, key: str, referral_id: str, fingerprint: str
    ) -> tuple[str, bool]:
        """Claim `key` for `referral_id`; return the referral id the key holds and whether it
        was claimed for the same request (the same `fingerprint`)."""
        ...


class ReferralFactsSource(Protocol):
    """The public facts of referrals that statistics count."""

    async def changed_since(self, since: datetime) -> list[ReferralFacts]:
        """Every referral changed at or after `since`."""
        ...

    async def waiting(self) -> list[WaitingLeg]:
        """The current leg of every referral waiting for an answer."""
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
    households: HouseholdLinks
    views: SubjectViewLog
    creation_keys: CreationKeys | None = None
    sla: SlaPolicy = DEFAULT_SLA
    coordinator: str | None = None
    """The id of the agency overdue legs are escalated to (named by id only)."""
    erasures: Erasures | None = None
    retention: timedelta = DEFAULT_RETENTION
    """How long the person's data of a closed or cancelled referral is kept."""
    facts: ReferralFactsSource | None = None
    stats_min_count: int = DEFAULT_MIN_COUNT
    """The smallest count statistics show (smaller ones are withheld)."""

"""In-memory stand-ins for the referrals service's ports, behaving as the stores promise."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from services.referrals.domain import Agency, Referral, ReferralEvent, SubjectView
from services.referrals.ports import Ports, ReferralIdTaken, ReferralQuery

from .journeys import NOW


class MovableClock:
    """A clock the test sets."""

    def __init__(self, now: datetime = NOW) -> None:
        self.moment = now

    def now(self) -> datetime:
        return self.moment


@dataclass
class InMemoryReferrals:
    """Referrals by id, each change saved only over the version it came from."""

    stored: dict[str, Referral] = field(default_factory=dict)
    events: list[str] = field(default_factory=list)
    interfere: bool = False

    async def add(self, referral: Referral, event: ReferralEvent, *, traceparent: str | None):
        if referral.id in self.stored:
            raise ReferralIdTaken(referral.id)
        self._keep(referral, event)

    async def get(self, referral_id: str, *, recent: bool = False) -> Referral | None:
        found = self.stored.get(referral_id)
        return None if found is None else found.model_copy(deep=True)

    async def save(
        self,
        referral: Referral,
        event: ReferralEvent,
        *,
        expected_version: int,
        traceparent: str | None,
    ) -> bool:
        if self.interfere or self.stored[referral.id].version != expected_version:
            return False
        self._keep(referral, event)
        return True

    async def page(self, query: ReferralQuery) -> list[Referral]:
        mine = [r for r in self.stored.values() if r.is_party(query.agency_id)]
        mine = [r for r in mine if query.before_id is None or r.id < query.before_id]
        return sorted(mine, key=lambda r: r.id, reverse=True)[: query.limit]

    async def party_to(self, agency_id: str, *, since: datetime) -> list[Referral]:
        return [r for r in self.stored.values() if r.is_party(agency_id) and r.updated_at >= since]

    async def due(self, now: datetime, *, limit: int) -> list[str]:
        return [r.id for r in self.stored.values() if r.leg.due(now)][:limit]

    def _keep(self, referral: Referral, event: ReferralEvent) -> None:
        self.stored[referral.id] = referral.model_copy(deep=True)
        self.events.append(event.type)


@dataclass
class InMemoryErasures:
    """Data keys by referral id, and the erased or ended referrals of `referrals`."""

    referrals: InMemoryReferrals
    keys: set[str] = field(default_factory=set)
    shredded: list[str] = field(default_factory=list)

    async def shred(self, referral_id: str) -> bool:
        self.shredded.append(referral_id)
        kept = referral_id in self.keys
        self.keys.discard(referral_id)
        return kept

    async def unshredded(self, *, limit: int) -> list[str]:
        erased = [r.id for r in self.referrals.stored.values() if r.erasure is not None]
        return [rid for rid in erased if rid in self.keys][:limit]

    async def expired(self, before: datetime, *, limit: int) -> list[str]:
        return [
            r.id
            for r in self.referrals.stored.values()
            if r.erasure is None and r.ended_at is not None and r.ended_at <= before
        ][:limit]


@dataclass
class InMemoryAgencies:
    """The local directory: an agency is replaced only by a higher version."""

    stored: dict[str, Agency] = field(default_factory=dict)

    async def get(self, agency_id: str) -> Agency | None:
        return self.stored.get(agency_id)

    async def apply(self, agency: Agency) -> bool:
        known = self.stored.get(agency.agency_id)
        if known is not None and known.version >= agency.version:
            return False
        self.stored[agency.agency_id] = agency
        return True


@dataclass
class InMemoryHouseholds:
    """Household links both ways."""

    links: set[tuple[str, str]] = field(default_factory=set)

    async def link(self, referral_id: str, other_id: str, *, by: str, at: datetime) -> bool:
        new = (referral_id, other_id) not in self.links
        self.links |= {(referral_id, other_id), (other_id, referral_id)}
        return new

    async def related(self, referral_id: str) -> list[str]:
        return sorted(b for a, b in self.links if a == referral_id)


@dataclass
class InMemoryViews:
    """Reads of people's data, in the order recorded."""

    recorded: list[SubjectView] = field(default_factory=list)

    async def record(self, view: SubjectView, *, traceparent: str | None) -> None:
        self.recorded.append(view.model_copy(update={"event_id": f"ev-{len(self.recorded)}"}))

    async def of_referral(self, referral_id: str) -> list[SubjectView]:
        return [v for v in self.recorded if v.referral_id == referral_id]

    async def by_agency(
        self, agency_id: str, *, since: datetime, until: datetime
    ) -> list[SubjectView]:
        return [
            v for v in self.recorded if v.agency_id == agency_id and since <= v.viewed_at < until
        ]


@dataclass
class InMemoryCreationKeys:
    """The first claim of a key wins."""

    claims: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)

    async def claim(
        self, *, agency_id: str, key: str, referral_id: str, fingerprint: str
    ) -> tuple[str, bool]:
        held, first = self.claims.setdefault((agency_id, key), (referral_id, fingerprint))
        return held, first == fingerprint


def in_memory_ports(
    *agencies: Agency, coordinator: str | None = None, retention: timedelta = timedelta(days=30)
) -> Ports:
    """Ports over empty in-memory stores that know `agencies`."""
    referrals = InMemoryReferrals()
    return Ports(
        referrals=referrals,
        agencies=InMemoryAgencies({a.agency_id: a for a in agencies}),
        clock=MovableClock(),
        households=InMemoryHouseholds(),
        views=InMemoryViews(),
        creation_keys=InMemoryCreationKeys(),
        coordinator=coordinator,
        erasures=InMemoryErasures(referrals),
        retention=retention,
    )

"""The use cases against an in-memory repository: events saved, relay woken, conflicts caught."""

from __future__ import annotations

import pytest

from services.directory import use_cases
from services.directory.adapters.taxonomy_files import load_taxonomy
from services.directory.domain import (
    Agency,
    AgencyChange,
    AgencyNotFound,
    AgencyProfile,
    AgencySearch,
    ConcurrentUpdate,
    UnknownCodes,
    VersionMismatch,
)
from services.directory.ports import Ports
from services.directory.settings import DirectorySettings
from tsunagu.clock import SystemClock


class InMemoryAgencies:
    """Keeps agencies and their pending event types; can simulate a concurrent writer."""

    def __init__(self) -> None:
        self.agencies: dict[str, Agency] = {}
        self.events: list[str] = []
        self.interfere = False

    async def add(self, change: AgencyChange, *, traceparent: str | None) -> None:
        self.agencies[change.agency.id] = change.agency
        self.events.append(change.event_type)

    async def get(self, agency_id: str) -> Agency | None:
        return self.agencies.get(agency_id)

    async def save(
        self, change: AgencyChange, *, expected_version: int, traceparent: str | None
    ) -> bool:
        current = self.agencies[change.agency.id]
        if self.interfere:
            current = current.model_copy(update={"version": current.version + 1})
            self.agencies[current.id] = current
        if current.version != expected_version:
            return False
        self.agencies[change.agency.id] = change.agency
        self.events.append(change.event_type)
        return True

    async def search(self, search: AgencySearch, *, limit: int, after: str | None) -> list[Agency]:
        ordered = sorted(self.agencies.values(), key=lambda a: a.id)
        found = [a for a in ordered if (after is None or a.id > after) and search.matches(a)]
        return found[:limit]


class CountingRelay:
    def __init__(self) -> None:
        self.wakes = 0

    def notify(self) -> None:
        self.wakes += 1


@pytest.fixture
def agencies() -> InMemoryAgencies:
    return InMemoryAgencies()


@pytest.fixture
def relay() -> CountingRelay:
    return CountingRelay()


@pytest.fixture
def ports(agencies: InMemoryAgencies, relay: CountingRelay) -> Ports:
    settings = DirectorySettings()
    taxonomy = load_taxonomy(
        categories_file=settings.categories_file, areas_file=settings.areas_file
    )
    return Ports(
        agencies=agencies, relay=relay, taxonomy=taxonomy, clock=SystemClock(milliseconds=True)
    )


def profile(name: str = "Aoba Kodomo Shokudo", area: str = "aoba") -> AgencyProfile:
    service = {"name": "Cafeteria", "categories": ["children_places"], "areas": [area]}
    return AgencyProfile.model_validate({"name": name, "kind": "npo", "services": [service]})


async def test_each_change_is_saved_with_its_event_and_wakes_the_relay(
    ports: Ports, agencies: InMemoryAgencies, relay: CountingRelay
) -> None:
    agency = await use_cases.register_agency(ports, profile())
    await use_cases.revise_agency(ports, agency.id, {"description": "Every Friday"}, if_match=1)
    await use_cases.deactivate_agency(ports, agency.id)
    assert agencies.events == [
        "tsunagu.agency.registered",
        "tsunagu.agency.updated",
        "tsunagu.agency.deactivated",
    ]
    assert relay.wakes == 3
    assert (await use_cases.get_agency(ports, agency.id)).version == 3


async def test_an_unchanged_revision_saves_nothing(
    ports: Ports, agencies: InMemoryAgencies, relay: CountingRelay
) -> None:
    agency = await use_cases.register_agency(ports, profile())
    same = await use_cases.revise_agency(ports, agency.id, {"name": agency.name})
    assert same.version == 1
    assert agencies.events == ["tsunagu.agency.registered"]
    assert relay.wakes == 1


async def test_a_concurrent_change_is_a_conflict_never_a_lost_update(
    ports: Ports, agencies: InMemoryAgencies
) -> None:
    agency = await use_cases.register_agency(ports, profile())
    agencies.interfere = True
    with pytest.raises(ConcurrentUpdate):
        await use_cases.revise_agency(ports, agency.id, {"name": "Mine"})
    with pytest.raises(VersionMismatch):
        await use_cases.revise_agency(ports, agency.id, {"name": "Mine"}, if_match=2)
    assert agencies.events == ["tsunagu.agency.registered"]


async def test_an_unknown_agency_is_not_found(ports: Ports) -> None:
    with pytest.raises(AgencyNotFound):
        await use_cases.deactivate_agency(ports, "agc_ffffffffffff")


async def test_search_pages_through_results_with_a_cursor(ports: Ports) -> None:
    for i in range(5):
        await use_cases.register_agency(ports, profile(name=f"Cafeteria {i}"))
    first = await use_cases.search_agencies(ports, area="aoba", limit=2)
    second = await use_cases.search_agencies(ports, area="aoba", limit=2, cursor=first.next_cursor)
    third = await use_cases.search_agencies(ports, area="aoba", limit=2, cursor=second.next_cursor)
    ids = [a.id for page in (first, second, third) for a in page.items]
    assert len(ids) == len(set(ids)) == 5
    assert third.next_cursor is None


async def test_search_refuses_unknown_filter_codes(ports: Ports) -> None:
    with pytest.raises(UnknownCodes) as caught:
        await use_cases.search_agencies(ports, category="unicorns", area="mars")
    assert [u.field for u in caught.value.unknown] == ["query.category", "query.area"]

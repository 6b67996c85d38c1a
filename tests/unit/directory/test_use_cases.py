"""The use cases against an in-memory repository: events saved, relay woken, conflicts caught."""

from __future__ import annotations

import pytest

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
from services.directory.settings import DirectorySettings
from services.directory.use_cases import AgencyDirectory


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
def directory(agencies: InMemoryAgencies, relay: CountingRelay) -> AgencyDirectory:
    settings = DirectorySettings()
    taxonomy = load_taxonomy(
        categories_file=settings.categories_file, areas_file=settings.areas_file
    )
    return AgencyDirectory(agencies=agencies, relay=relay, taxonomy=taxonomy)


def profile(name: str = "Aoba Kodomo Shokudo", area: str = "aoba") -> AgencyProfile:
    service = {"name": "Cafeteria", "categories": ["children_places"], "areas": [area]}
    return AgencyProfile.model_validate({"name": name, "kind": "npo", "services": [service]})


async def test_each_change_is_saved_with_its_event_and_wakes_the_relay(
    directory: AgencyDirectory, agencies: InMemoryAgencies, relay: CountingRelay
) -> None:
    agency = await directory.register(profile())
    await directory.revise(agency.id, {"description": "Every Friday"}, if_match=1)
    await directory.deactivate(agency.id)
    assert agencies.events == [
        "tsunagu.agency.registered",
        "tsunagu.agency.updated",
        "tsunagu.agency.deactivated",
    ]
    assert relay.wakes == 3
    assert (await directory.get(agency.id)).version == 3


async def test_an_unchanged_revision_saves_nothing(
    directory: AgencyDirectory, agencies: InMemoryAgencies, relay: CountingRelay
) -> None:
    agency = await directory.register(profile())
    same = await directory.revise(agency.id, {"name": agency.name})
    assert same.version == 1
    assert agencies.events == ["tsunagu.agency.registered"]
    assert relay.wakes == 1


async def test_a_concurrent_change_is_a_conflict_never_a_lost_update(
    directory: AgencyDirectory, agencies: InMemoryAgencies
) -> None:
    agency = await directory.register(profile())
    agencies.interfere = True
    with pytest.raises(ConcurrentUpdate):
        await directory.revise(agency.id, {"name": "Mine"})
    with pytest.raises(VersionMismatch):
        await directory.revise(agency.id, {"name": "Mine"}, if_match=2)
    assert agencies.events == ["tsunagu.agency.registered"]


async def test_an_unknown_agency_is_not_found(directory: AgencyDirectory) -> None:
    with pytest.raises(AgencyNotFound):
        await directory.deactivate("agc_ffffffffffff")


async def test_search_pages_through_results_with_a_cursor(directory: AgencyDirectory) -> None:
    for i in range(5):
        await directory.register(profile(name=f"Cafeteria {i}"))
    first = await directory.search(area="aoba", limit=2)
    second = await directory.search(area="aoba", limit=2, cursor=first.next_cursor)
    third = await directory.search(area="aoba", limit=2, cursor=second.next_cursor)
    ids = [a.id for page in (first, second, third) for a in page.items]
    assert len(ids) == len(set(ids)) == 5
    assert third.next_cursor is None


async def test_search_refuses_unknown_filter_codes(directory: AgencyDirectory) -> None:
    with pytest.raises(UnknownCodes) as caught:
        await directory.search(category="unicorns", area="mars")
    assert [u.field for u in caught.value.unknown] == ["query.category", "query.area"]

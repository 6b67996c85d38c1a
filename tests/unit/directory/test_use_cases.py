"""The use cases against an in-memory repository: events saved, relay woken, conflicts caught."""

from __future__ import annotations

import pytest

from services.directory import use_cases
from services.directory.adapters.problems import problem_of
from services.directory.adapters.taxonomy_files import load_taxonomy
from services.directory.adapters.webhook_targets import CheckedWebhooks
from services.directory.domain import (
    Agency,
    AgencyChange,
    AgencyNotFound,
    AgencyProfile,
    AgencySearch,
    ConcurrentUpdate,
    UnknownCodes,
    VersionMismatch,
    WebhookRefused,
)
from services.directory.ports import Ports
from services.directory.settings import DirectorySettings
from tsunagu.clock import SystemClock
from tsunagu.webhook_targets import TargetPolicy
from tsunagu_schemas import DeliveryPreferences

ADDRESSES = {"hooks.example.org": ["93.184.215.14"], "intranet.example.org": ["10.0.0.8"]}


async def _resolve(host: str, port: int) -> list[str]:
    """A resolver that knows one public and one private name."""
    return ADDRESSES[host]


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
        agencies=agencies,
        relay=relay,
        taxonomy=taxonomy,
        clock=SystemClock(milliseconds=True),
        webhooks=CheckedWebhooks(TargetPolicy(environment="production", resolver=_resolve)),
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


def with_webhook(url: str) -> AgencyProfile:
    return profile().model_copy(update={"delivery": DeliveryPreferences(webhook_url=url)})


async def test_outside_development_only_public_https_webhooks_are_recorded(
    ports: Ports, agencies: InMemoryAgencies
) -> None:
    agency = await use_cases.register_agency(ports, with_webhook("https://hooks.example.org/in"))
    assert agency.delivery.webhook_url == "https://hooks.example.org/in"
    for url, reason in (
        ("http://hooks.example.org/in", "must use https"),
        ("https://intranet.example.org/in", "resolves to a private address"),
    ):
        with pytest.raises(WebhookRefused, match=reason) as refused:
            await use_cases.register_agency(ports, with_webhook(url))
        answer = problem_of(refused.value)
        assert (answer.status, answer.kind) == (422, "webhook-refused")
        assert answer.extra["errors"][0]["field"] == "body.delivery.webhook_url"
        with pytest.raises(WebhookRefused, match=reason):
            await use_cases.revise_agency(ports, agency.id, {"delivery": {"webhook_url": url}})
    kept = await use_cases.get_agency(ports, agency.id)
    assert kept.delivery.webhook_url == "https://hooks.example.org/in"
    assert kept.version == 1

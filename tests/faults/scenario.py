"""Steps shared by the fault tests: a fresh network of agencies, and waiting until all settles."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol, TypeVar

import httpx
from aiokafka import TopicPartition

from tests.access import as_role
from tests.faults.load import LoadReport, Network
from tests.faults.settlement import (
    assert_each_referral_produced_its_events,
    assert_recorded_exactly_once,
    audited_event_ids,
    expected_inbox,
    group_lag,
    inbox_event_ids,
    produced_events,
    produced_reads,
)
from tests.integration.kafka_positions import read_until_now
from tsunagu_schemas.topics import (
    DIRECTORY_DELIVERY,
    DIRECTORY_EVENTS,
    EVENT_TOPICS,
    REFERRAL_EVENTS,
)

CONSUMED: Mapping[str, tuple[str, ...]] = {
    "referrals": (DIRECTORY_EVENTS,),
    "notifications": (REFERRAL_EVENTS, DIRECTORY_DELIVERY),
    "audit": EVENT_TOPICS,
}
SETTLE_SECONDS = 60.0
T = TypeVar("T")


class SettlingStack(Protocol):
    """What the checks need of a running stack: its services' URLs, Kafka, consumer groups."""

    urls: dict[str, str]

    @property
    def bootstrap(self) -> str:
        """Kafka bootstrap address."""
        ...

    def group(self, service: str) -> str:
        """The consumer group of a service."""
        ...


async def settled(check: Callable[[], Awaitable[T]], *, timeout: float = SETTLE_SECONDS) -> T:
    """Run `check` until it stops failing its assertions; fail with its last failure."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return await check()
        except (AssertionError, httpx.HTTPError) as failure:
            if time.monotonic() >= deadline:
                raise AssertionError(f"not settled within {timeout} s: {failure}") from failure
        await asyncio.sleep(1.0)


async def assert_no_consumer_lags(stack: SettlingStack) -> None:
    """Every service's consumer group has committed up to the end of every topic it reads."""
    for service, topics in CONSUMED.items():
        lag = await group_lag(stack.bootstrap, stack.group(service), topics)
        assert not lag, f"{service} is behind: {lag}"


def _agency(name: str, category: str) -> dict[str, Any]:
    service = {"name": name, "categories": [category], "areas": ["citywide"]}
    return {
        "name": f"{name} {uuid.uuid4().hex[:6]}",
        "kind": "npo",
        "services": [{**service, "accepting_referrals": True}],
        "contacts": [{"name": "Sato Ichiro", "role": "coordinator"}],
    }


async def fresh_network(http: httpx.AsyncClient, stack: SettlingStack) -> Network:
    """Three new agencies, once every consumer knows them."""
    ids = []
    kinds = (("Hotline", "suicide_prevention"), ("Food", "food"), ("Welfare", "livelihood"))
    for name, category in kinds:
        response = await http.post(
            f"{stack.urls['directory']}/v1/agencies", json=_agency(name, category)
        )
        assert response.status_code == 201, response.text
        ids.append(str(response.json()["id"]))
    await settled(lambda: assert_no_consumer_lags(stack), timeout=30)
    return Network(*ids)


async def assert_settled_exactly_once(
    http: httpx.AsyncClient,
    stack: SettlingStack,
    *,
    start: Mapping[TopicPartition, int],
    report: LoadReport,
    network: Network,
    events_per_referral: Mapping[str, int] | None = None,
) -> None:
    """Wait until every event of the load is audited and in inboxes exactly once, lag zero
    (five events per referral, unless `events_per_referral` says otherwise)."""

    async def check() -> None:
        records = await read_until_now(stack.bootstrap, start)
        events = produced_events(records, (network.a, network.b, network.c))
        assert_each_referral_produced_its_events(events, report.referrals, events_per_referral)
        referrals = {str(data["referral_id"]) for data in events.values()}
        audited = await audited_event_ids(http, stack.urls["audit"], referrals)
        reads = produced_reads(records, referrals)
        assert_recorded_exactly_once({*events, *reads}, audited, where="audit log")
        for agency in (network.a, network.b, network.c):
            inbox = await inbox_event_ids(http, stack.urls["notifications"], agency)
            assert_recorded_exactly_once(
                expected_inbox(events, agency), inbox, where=f"inbox of {agency}"
            )
        await assert_no_consumer_lags(stack)

    await settled(check)
    verification = (
        await http.get(f"{stack.urls['audit']}/v1/audit/verify", headers=as_role("auditor"))
    ).json()
    assert verification["ok"] is True, verification

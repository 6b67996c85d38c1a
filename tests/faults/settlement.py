"""What must hold once the system has settled after a fault: nothing lost, nothing duplicated."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from tests.access import acting, as_role
from tests.infra import kafka_options
from tests.integration.kafka_positions import Records, partitions_of
from tsunagu.events import PoisonEvent, ReceivedEvent, parse_event
from tsunagu_schemas import ReferralEventData, SubjectViewedData

EVENTS_PER_REFERRAL = 5


def produced_events(records: Records, agencies: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The distinct referral events on Kafka involving `agencies`: id → data (re-publishes folded).

    Chosen by party rather than by the referrals the load knows of: a create whose answer was
    lost may still have made a referral, and its events must be delivered like any other.
    """
    network = set(agencies)
    events: dict[str, dict[str, Any]] = {}
    for event in _events(records):
        data = event.data.model_dump(mode="json")
        if isinstance(event.data, ReferralEventData) and network & set(data["parties"]):
            events[event.id] = data
    return events


def produced_reads(records: Records, referral_ids: Iterable[str]) -> set[str]:
    """The ids of the `subject_viewed` events of `referral_ids` (reads that showed the person's
    data, such as the load's look-ups after a lost answer): audited, never in an inbox."""
    wanted = set(referral_ids)
    found: set[str] = set()
    for event in _events(records):
        if isinstance(event.data, SubjectViewedData) and event.data.referral_id in wanted:
            found.add(event.id)
    return found


def _events(records: Records) -> Iterator[ReceivedEvent]:
    """The well-formed events among `records` (poison is checked for in the dead-letter
    topics)."""
    for record in records:
        headers = {name: value.decode() for name, value in record.headers}
        try:
            yield parse_event(
                headers=headers,
                body=record.value,
                topic=record.topic,
                partition=record.partition,
                offset=record.offset,
            )
        except PoisonEvent:
            continue


def assert_each_referral_produced_its_events(
    events: Mapping[str, Mapping[str, Any]],
    referral_ids: Iterable[str],
    expected: Mapping[str, int] | None = None,
) -> None:
    """Every transition the load did made exactly one event (none lost in the outbox): five per
    referral, or as many as `expected` says for it."""
    per_referral = Counter(str(data["referral_id"]) for data in events.values())
    wanted = {r: (expected or {}).get(r, EVENTS_PER_REFERRAL) for r in referral_ids}
    missing = {r: per_referral[r] for r, count in wanted.items() if per_referral[r] != count}
    assert not missing, f"referrals without the events their transitions made: {missing}"


def assert_recorded_exactly_once(
    produced: Iterable[str], recorded: Iterable[str], *, where: str
) -> None:
    """Every produced event id appears exactly once among `recorded`, and nothing else does."""
    counts = Counter(recorded)
    duplicated = sorted(e for e, n in counts.items() if n > 1)
    lost = sorted(set(produced) - set(counts))
    foreign = sorted(set(counts) - set(produced))
    assert not duplicated, f"{where}: recorded more than once: {duplicated}"
    assert not lost, f"{where}: never recorded: {lost}"
    assert not foreign, f"{where}: recorded but never produced: {foreign}"


async def audited_event_ids(
    http: httpx.AsyncClient, audit_url: str, referral_ids: Iterable[str]
) -> list[str]:
    """The event ids of the audit records of `referral_ids` (with repetitions, if any)."""
    ids: list[str] = []
    for referral_id in referral_ids:
        response = await http.get(
            f"{audit_url}/v1/audit/records",
            params={"referral_id": referral_id, "limit": 100},
            headers=as_role("auditor"),
        )
        response.raise_for_status()
        ids += [i["event_id"] for i in response.json()["items"]]
    return ids


async def inbox_event_ids(
    http: httpx.AsyncClient, notifications_url: str, agency: str
) -> list[str]:
    """The event ids of an agency's inbox entries (with repetitions, if any)."""
    response = await http.get(
        f"{notifications_url}/v1/agencies/{agency}/inbox",
        params={"limit": 200},
        headers=acting(agency),
    )
    response.raise_for_status()
    return [entry["event_id"] for entry in response.json()["items"]]


def expected_inbox(events: Mapping[str, Mapping[str, Any]], agency: str) -> set[str]:
    """The events meant for an agency (their audience; every party of an event that names
    none), each of which must reach its inbox once."""
    return {
        event_id
        for event_id, data in events.items()
        if agency in (data.get("audience") or data["parties"])
    }


async def group_lag(bootstrap: str, group: str, topics: Iterable[str]) -> dict[str, int]:
    """Per partition of `topics`, how far `group`'s committed offset is behind the end."""
    partitions = await partitions_of(bootstrap, topics)
    admin = AIOKafkaAdminClient(**kafka_options(bootstrap))
    await admin.start()
    try:
        committed = await admin.list_consumer_group_offsets(group, partitions=partitions)
    finally:
        await admin.close()
    consumer = AIOKafkaConsumer(**kafka_options(bootstrap), enable_auto_commit=False)
    await consumer.start()
    try:
        ends: dict[TopicPartition, int] = await consumer.end_offsets(partitions)
    finally:
        await consumer.stop()
    lag = {}
    for partition, end in ends.items():
        position = committed.get(partition)
        done = position.offset if position is not None and position.offset >= 0 else 0
        lag[f"{partition.topic}[{partition.partition}]"] = end - done
    return {name: behind for name, behind in lag.items() if behind}

"""The local directory built from directory events: order-safe, idempotent, poison-proof."""

from __future__ import annotations

from aiokafka import AIOKafkaProducer

from tests.infra import kafka_options
from tests.integration.harness import collect, headers_of, publish_event, publish_raw
from tests.integration.referrals.network import (
    AGENCY_UPDATED,
    Network,
    acting,
    agency_event,
    fresh_id,
    referral_body,
)
from tsunagu_schemas.topics import DIRECTORY_EVENTS, dead_letter_topic


async def test_an_older_or_repeated_agency_event_does_not_undo_a_newer_one(
    network: Network,
) -> None:
    sender, receiver = fresh_id(), fresh_id()
    await network.register(sender, receiver)
    await network.announce(
        agency_event(receiver, version=2, active=False), event_type=AGENCY_UPDATED
    )
    await network.wait_for_version({receiver: 2})
    await network.announce(agency_event(receiver, version=1))
    await network.announce(
        agency_event(receiver, version=2, active=False), event_type=AGENCY_UPDATED
    )
    marker = fresh_id()
    await network.register(marker)  # published after the stale ones: they were handled too

    stored = await network.agencies.find_one({"_id": receiver})
    assert stored is not None
    assert (stored["version"], stored["active"]) == (2, False)
    refused = await network.http.post(
        "/v1/referrals", json=referral_body(sender, receiver), headers=acting(sender)
    )
    assert refused.status_code == 422
    assert "deactivated" in refused.json()["detail"]


async def test_a_poison_directory_event_is_parked_and_the_next_one_still_applied(
    network: Network,
) -> None:
    poisoned, healthy = fresh_id("poison"), fresh_id()
    await publish_raw(
        network.bootstrap,
        topic=DIRECTORY_EVENTS,
        key=poisoned.encode(),
        value=b"{not json",
        headers={
            "ce_specversion": "1.0",
            "ce_id": poisoned,
            "ce_source": "urn:tsunagu:directory",
            "ce_type": "tsunagu.agency.registered",
            "ce_time": "2026-11-02T09:00:00Z",
        },
    )
    await network.register(healthy)

    def parked(records: list) -> list:  # type: ignore[type-arg]
        return [r for r in records if r.key == poisoned.encode()]

    records = parked(
        await collect(
            network.bootstrap, dead_letter_topic(DIRECTORY_EVENTS), until=parked, timeout=60
        )
    )
    headers = headers_of(records[0])
    assert records[0].value == b"{not json"
    assert headers["x-tsunagu-dlq-reason"] == "invalid"
    assert headers["x-tsunagu-dlq-original-topic"] == DIRECTORY_EVENTS
    assert "invalid data" in headers["x-tsunagu-dlq-error"]
    sender = fresh_id()
    await network.register(sender)
    created = await network.http.post(
        "/v1/referrals", json=referral_body(sender, healthy), headers=acting(sender)
    )
    assert created.status_code == 201, created.text


async def test_an_agency_event_from_another_source_is_parked_and_not_applied(
    network: Network,
) -> None:
    target = fresh_id()
    await network.register(target)
    await network.wait_for_version({target: 1})
    forged = await publish_event(
        network.bootstrap,
        event_type=AGENCY_UPDATED,
        subject=target,
        data=agency_event(target, version=999_999, active=False),
        service="referrals",  # not the directory, which alone publishes agency events
    )

    def parked(records: list) -> list:  # type: ignore[type-arg]
        return [r for r in records if headers_of(r).get("ce_id") == forged["event_id"]]

    records = parked(
        await collect(
            network.bootstrap, dead_letter_topic(DIRECTORY_EVENTS), until=parked, timeout=60
        )
    )
    headers = headers_of(records[0])
    assert headers["x-tsunagu-dlq-reason"] == "foreign_source"
    assert "urn:tsunagu:referrals is not urn:tsunagu:directory" in headers["x-tsunagu-dlq-error"]
    stored = await network.agencies.find_one({"_id": target})
    assert stored is not None
    assert (stored["version"], stored["active"]) == (1, True)


async def test_a_record_with_headers_that_are_not_text_is_parked_not_redelivered(
    network: Network,
) -> None:
    poisoned, healthy = fresh_id("undecodable"), fresh_id()
    producer = AIOKafkaProducer(**kafka_options(network.bootstrap))
    await producer.start()
    try:
        headers = [("ce_id", poisoned.encode()), ("ce_type", b"\xff\xfe not utf-8")]
        await producer.send_and_wait(
            DIRECTORY_EVENTS, b"{}", key=poisoned.encode(), headers=headers
        )
    finally:
        await producer.stop()
    await network.register(healthy)  # handled after the poison: nothing stalled

    def parked(records: list) -> list:  # type: ignore[type-arg]
        return [r for r in records if r.key == poisoned.encode()]

    records = parked(
        await collect(
            network.bootstrap, dead_letter_topic(DIRECTORY_EVENTS), until=parked, timeout=60
        )
    )
    headers_found = headers_of(records[0])
    assert headers_found["x-tsunagu-dlq-reason"] == "invalid"
    assert "headers not UTF-8: ce_type" in headers_found["x-tsunagu-dlq-error"]
    await network.wait_for_version({healthy: 1})

"""Every registration, revision and deactivation reaches Kafka as a CloudEvent."""

from __future__ import annotations

from typing import Any

import httpx
from aiokafka.structs import ConsumerRecord
from cloudevents.core.bindings import kafka as ce_kafka
from pymongo import AsyncMongoClient

from services.directory.settings import DirectorySettings
from tests.integration.directory.conftest import agency_body
from tests.integration.harness import collect, eventually, headers_of
from tsunagu_schemas import AgencyDeliveryData, AgencyEventData, DeliveryPreferences, topics

Records = list[ConsumerRecord[Any, Any]]


async def events_of(
    settings: DirectorySettings, agency_id: str, count: int, topic: str = topics.DIRECTORY_EVENTS
) -> Records:
    """The first `count` events of one agency on the directory topic (or `topic`)."""

    def of_agency(records: Records) -> Records:
        return [r for r in records if r.key == agency_id.encode()]

    records = await collect(
        settings.kafka_bootstrap_servers,
        topic,
        until=lambda records: len(of_agency(records)) >= count,
    )
    return of_agency(records)


async def test_a_registered_agency_is_announced_with_its_public_entry_only(
    directory: httpx.AsyncClient, directory_settings: DirectorySettings
) -> None:
    contacts = [{"name": "Sato Hanako", "phone": "090-1234-5678", "email": "sato@example.org"}]
    created = await directory.post("/v1/agencies", json=agency_body(contacts=contacts))
    assert created.status_code == 201
    agency_id = created.json()["id"]

    [record] = await events_of(directory_settings, agency_id, 1)
    headers = headers_of(record)
    assert headers["ce_specversion"] == "1.0"
    assert headers["ce_type"] == "tsunagu.agency.registered"
    assert headers["ce_source"] == "urn:tsunagu:directory"
    assert headers["ce_subject"] == agency_id
    assert headers["content-type"] == "application/json"
    assert headers["traceparent"].startswith("00-")
    assert b"Sato" not in record.value
    assert b"090-1234" not in record.value
    data = AgencyEventData.model_validate_json(record.value)
    assert (data.agency_id, data.version, data.name) == (agency_id, 1, "Kita Food Bank")

    event = ce_kafka.from_binary_event(
        ce_kafka.KafkaMessage(headers=dict(record.headers), key=record.key, value=record.value)
    )
    assert event.get_type() == "tsunagu.agency.registered"
    assert event.get_subject() == agency_id


async def test_delivery_settings_go_only_to_their_own_topic_when_they_change(
    directory: httpx.AsyncClient, directory_settings: DirectorySettings
) -> None:
    delivery = {"webhook_url": "https://hooks.example.org/kita", "email": "intake@example.org"}
    agency_id = (await directory.post("/v1/agencies", json=agency_body(delivery=delivery))).json()[
        "id"
    ]
    path = f"/v1/agencies/{agency_id}"
    renamed = await directory.patch(path, json={"name": "Kita Pantry"}, headers={"If-Match": '"1"'})
    assert renamed.status_code == 200
    moved = await directory.patch(
        path, json={"delivery": {"kafka": True}}, headers={"If-Match": '"2"'}
    )
    assert moved.status_code == 200

    public = await events_of(directory_settings, agency_id, 3)
    for record in public:
        assert b"hooks.example.org" not in record.value
        assert b"intake@" not in record.value
        assert AgencyEventData.model_validate_json(record.value).delivery == DeliveryPreferences()
    announced = await events_of(directory_settings, agency_id, 2, topics.DIRECTORY_DELIVERY)
    assert [headers_of(r)["ce_type"] for r in announced] == ["tsunagu.agency.delivery_set"] * 2
    settings = [AgencyDeliveryData.model_validate_json(r.value) for r in announced]
    assert [s.version for s in settings] == [1, 3]  # the rename (version 2) is not announced
    assert settings[0].delivery == DeliveryPreferences(**delivery)
    assert settings[1].delivery == DeliveryPreferences(kafka=True)


async def test_updates_and_deactivation_follow_in_order_with_increasing_versions(
    directory: httpx.AsyncClient, directory_settings: DirectorySettings
) -> None:
    agency_id = (await directory.post("/v1/agencies", json=agency_body())).json()["id"]
    trace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    revised = await directory.patch(
        f"/v1/agencies/{agency_id}",
        json={"name": "Kita Pantry"},
        headers={"traceparent": trace, "If-Match": '"1"'},
    )
    assert revised.status_code == 200
    deactivated = await directory.delete(f"/v1/agencies/{agency_id}", headers={"If-Match": '"2"'})
    assert deactivated.status_code == 200
    assert deactivated.json()["active"] is False

    records = await events_of(directory_settings, agency_id, 3)
    assert [headers_of(r)["ce_type"] for r in records] == [
        "tsunagu.agency.registered",
        "tsunagu.agency.updated",
        "tsunagu.agency.deactivated",
    ]
    assert headers_of(records[1])["traceparent"] == trace
    versions = [AgencyEventData.model_validate_json(r.value).version for r in records]
    assert versions == [1, 2, 3]
    last = AgencyEventData.model_validate_json(records[-1].value)
    assert last.active is False
    assert last.name == "Kita Pantry"


async def test_the_outbox_is_emptied_once_events_are_published(
    directory: httpx.AsyncClient, directory_settings: DirectorySettings
) -> None:
    agency_id = (await directory.post("/v1/agencies", json=agency_body())).json()["id"]
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(directory_settings.mongo_url)
    try:
        agencies = client[directory_settings.database]["agencies"]

        async def outbox_empty() -> bool:
            document = await agencies.find_one({"_id": agency_id})
            return document is not None and document["outbox"] == []

        await eventually(outbox_empty, timeout=15)
    finally:
        await client.close()
    await events_of(directory_settings, agency_id, 1)

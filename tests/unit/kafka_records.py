"""Events as the outbox relay publishes them, for subscribers under FastStream's TestKafkaBroker."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage

from tsunagu.events import outbox_entry
from tsunagu_schemas import AgencyDeliveryData, AgencyEventData
from tsunagu_schemas.agency import AGENCY_DELIVERY_SET

MOMENT = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)


def agency_entry(agency_id: str = "agency-b", version: int = 1) -> dict[str, Any]:
    """A directory event for one agency, in the form the relay publishes."""
    data = AgencyEventData.model_validate(
        {
            "agency_id": agency_id,
            "version": version,
            "name": f"Agency {agency_id}",
            "kind": "npo",
            "active": True,
            "services": [{"name": "support", "categories": ["food"], "areas": ["citywide"]}],
            "occurred_at": MOMENT,
        }
    )
    return outbox_entry(
        event_type="tsunagu.agency.registered",
        subject=agency_id,
        data=data,
        service="directory",
        time=MOMENT,
    )


def delivery_entry(
    agency_id: str = "agency-b", version: int = 1, **delivery: Any
) -> dict[str, Any]:
    """A directory event of one agency's delivery settings, in the form the relay publishes."""
    data = AgencyDeliveryData.model_validate(
        {
            "agency_id": agency_id,
            "version": version,
            "delivery": {"kafka": False, **delivery},
            "occurred_at": MOMENT,
        }
    )
    return outbox_entry(
        event_type=AGENCY_DELIVERY_SET,
        subject=agency_id,
        data=data,
        service="directory",
        time=MOMENT,
    )


async def publish(broker: KafkaBroker, entry: dict[str, Any], *, data: Any = None) -> None:
    """Publish an outbox entry (or other data under its headers) as the relay would."""
    await broker.publish(
        entry["data"] if data is None else data,
        entry["topic"],
        key=entry["key"].encode(),
        headers=dict(entry["headers"]),
    )


def parked_on(broker: KafkaBroker, topic: str) -> list[tuple[bytes, str]]:
    """Collect what is parked on `topic`'s dead-letter topic: each value and its reason."""
    parked: list[tuple[bytes, str]] = []

    @broker.subscriber(f"{topic}.dlq")
    async def on_parked(message: KafkaMessage) -> None:
        record = message.raw_message
        assert not isinstance(record, tuple)
        parked.append((record.value or b"", message.headers["x-tsunagu-dlq-reason"]))

    return parked

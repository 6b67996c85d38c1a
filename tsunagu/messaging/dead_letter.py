"""Parking events that cannot be handled in `<topic>.dlq`, with the reason in headers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from aiokafka.structs import ConsumerRecord
from faststream.kafka import KafkaBroker

from tsunagu_schemas.topics import dead_letter_topic

REASON: Final = "x-tsunagu-dlq-reason"
ERROR: Final = "x-tsunagu-dlq-error"
ATTEMPTS: Final = "x-tsunagu-dlq-attempts"
ORIGINAL_TOPIC: Final = "x-tsunagu-dlq-original-topic"
ORIGINAL_PARTITION: Final = "x-tsunagu-dlq-original-partition"
ORIGINAL_OFFSET: Final = "x-tsunagu-dlq-original-offset"
CONSUMER_GROUP: Final = "x-tsunagu-dlq-consumer-group"
DLQ_HEADERS: Final = (
    REASON,
    ERROR,
    ATTEMPTS,
    ORIGINAL_TOPIC,
    ORIGINAL_PARTITION,
    ORIGINAL_OFFSET,
    CONSUMER_GROUP,
)


@dataclass(frozen=True)
class ParkedRecord:
    """Where a poison record came from and why it could not be handled."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    body: bytes
    headers: dict[str, str]
    group_id: str

    @classmethod
    def of(cls, record: ConsumerRecord[Any, Any], *, group_id: str) -> ParkedRecord:
        """A consumed record in the form it is parked in, should it have to be."""
        return cls(
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            key=record.key,
            body=record.value or b"",
            headers={name: value.decode() for name, value in record.headers},
            group_id=group_id,
        )


async def park(
    broker: KafkaBroker, record: ParkedRecord, *, reason: str, error: str, attempts: int
) -> None:
    """Publish the record unchanged to its dead-letter topic, annotated with the failure."""
    headers = {k: v for k, v in record.headers.items() if k not in DLQ_HEADERS}
    headers.update(
        {
            REASON: reason,
            ERROR: error[:1000],
            ATTEMPTS: str(attempts),
            ORIGINAL_TOPIC: record.topic,
            ORIGINAL_PARTITION: str(record.partition),
            ORIGINAL_OFFSET: str(record.offset),
            CONSUMER_GROUP: record.group_id,
        }
    )
    await broker.publish(
        record.body, dead_letter_topic(record.topic), key=record.key, headers=headers
    )

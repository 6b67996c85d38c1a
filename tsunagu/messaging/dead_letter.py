"""Parking events that cannot be handled in `<topic>.dlq`, with the reason in headers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

from aiokafka.structs import ConsumerRecord
from faststream.kafka import KafkaBroker

from tsunagu_schemas.topics import dead_letter_topic

HEADER_PREFIX: Final = "x-tsunagu-dlq-"
DLQ_HEADERS: Final = tuple(
    HEADER_PREFIX + name
    for name in (
        "reason",
        "error",
        "attempts",
        "original-topic",
        "original-partition",
        "original-offset",
        "consumer-group",
    )
)
"""The headers a parked record carries (see docs/events.md), in this order:"""
REASON, ERROR, ATTEMPTS, ORIGINAL_TOPIC, ORIGINAL_PARTITION, ORIGINAL_OFFSET, CONSUMER_GROUP = (
    DLQ_HEADERS
)


def replay_group(topic: str) -> str:
    """The group whose committed offsets mark how far the dead letters of `topic` were replayed."""
    return f"tsunagu-dlq-replay-{topic}"


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
    undecodable: tuple[str, ...] = ()
    """Headers whose value was not UTF-8 (kept with replacement characters): a poison record."""

    @classmethod
    def of(cls, record: ConsumerRecord[Any, Any], *, group_id: str) -> ParkedRecord:
        """A consumed record in the form it is parked in, should it have to be."""
        headers, undecodable = decoded_headers(record.headers or ())
        return cls(
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            key=record.key,
            body=record.value or b"",
            headers=headers,
            group_id=group_id,
            undecodable=undecodable,
        )


def decoded_headers(
    raw: Iterable[tuple[str, bytes | None]],
) -> tuple[dict[str, str], tuple[str, ...]]:
    """Headers as text, and the names of those that were not UTF-8 (never an exception)."""
    headers: dict[str, str] = {}
    undecodable: list[str] = []
    for name, value in raw:
        try:
            headers[name] = bytes(value or b"").decode()
        except UnicodeDecodeError:
            headers[name] = bytes(value or b"").decode(errors="replace")
            undecodable.append(name)
    return headers, tuple(undecodable)


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

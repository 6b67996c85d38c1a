"""At-least-once consumers: offsets committed after handling, retries, and dead-lettering."""

from __future__ import annotations

import asyncio
import dataclasses
import functools
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import structlog
from aiokafka.errors import KafkaError
from aiokafka.structs import ConsumerRecord
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.message import StreamMessage
from pymongo.errors import ConnectionFailure

from tsunagu.events import PoisonEvent, ReceivedEvent, parse_event
from tsunagu.store import is_transient

from .dead_letter import ParkedRecord, park
from .log_context import about_event

EventHandler = Callable[[ReceivedEvent], Awaitable[None]]
log = structlog.get_logger(__name__)


class TransientError(Exception):
    """A failure worth retrying: the event is fine, something it needs is not there yet."""


RETRYABLE: tuple[type[BaseException], ...] = (
    TransientError,
    ConnectionFailure,
    KafkaError,
    OSError,
)


async def raw_body(msg: StreamMessage[Any]) -> Any:
    """Leave decoding to us, so that a malformed body reaches the handler and is parked."""
    return msg.body


async def text_headers(
    message: Any, original: Callable[[Any], Awaitable[StreamMessage[Any]]]
) -> StreamMessage[Any]:
    """Parse as FastStream does, even when a header is not UTF-8 (FastStream would raise, and
    the record would come back forever); the raw record stays as received, to be parked."""
    batch = isinstance(message, tuple | list)
    records = tuple(message) if batch else (message,)
    if all(_text_only(record) for record in records):
        return await original(message)
    cleaned = tuple(
        dataclasses.replace(record, headers=_replaced(record.headers)) for record in records
    )
    parsed = await original(cleaned if batch else cleaned[0])
    parsed.raw_message = message
    return parsed


def _text_only(record: ConsumerRecord[Any, Any]) -> bool:
    try:
        for _, value in record.headers:
            value.decode()
    except (UnicodeDecodeError, AttributeError):
        return False
    return True


def _replaced(headers: Sequence[tuple[str, bytes | None]]) -> list[tuple[str, bytes]]:
    return [
        (name, bytes(value or b"").decode(errors="replace").encode()) for name, value in headers
    ]


async def read_or_park(
    broker: KafkaBroker, parked: ParkedRecord, *, topic: str
) -> ReceivedEvent | None:
    """Validate a record as one of our events on `topic`; park it and return None if poison."""
    try:
        if parked.undecodable:
            raise PoisonEvent(f"headers not UTF-8: {', '.join(parked.undecodable)}")
        return parse_event(
            headers=parked.headers,
            body=parked.body,
            topic=topic,
            partition=parked.partition,
            offset=parked.offset,
        )
    except PoisonEvent as exc:
        with about_event(parked.headers):  # bound only here: most records are never parked
            log.warning("event parked", topic=parked.topic, offset=parked.offset, reason=str(exc))
            await park(broker, parked, reason=exc.reason, error=str(exc), attempts=1)
        return None


def subscribe(
    broker: KafkaBroker,
    *,
    topic: str | Sequence[str],
    group_id: str,
    handler: EventHandler,
    max_attempts: int = 5,
    backoff_seconds: float = 0.2,
) -> None:
    """Register `handler` for every event on `topic`, idempotence being the handler's duty.

    Several topics given at once share one consumer, so the group rebalances only once.
    """
    topics = (topic,) if isinstance(topic, str) else tuple(topic)

    async def on_record(message: KafkaMessage) -> None:
        record = message.raw_message
        assert not isinstance(record, tuple), "batch records are not handled here"
        parked = ParkedRecord.of(record, group_id=group_id)
        event = await read_or_park(broker, parked, topic=record.topic)
        if event is None:
            return
        await handle_or_park(
            broker,
            functools.partial(handler, event),
            parked,
            max_attempts=max_attempts,
            backoff_seconds=backoff_seconds,
        )

    broker.subscriber(
        *topics,
        group_id=group_id,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.NACK_ON_ERROR,
        parser=text_headers,
        decoder=raw_body,
    )(on_record)


def is_retryable(exc: BaseException) -> bool:
    """Whether a handler failure is transient: retried, and never a reason to park the event."""
    return isinstance(exc, RETRYABLE) or is_transient(exc)


async def handle_or_park(
    broker: KafkaBroker,
    attempt_once: Callable[[], Awaitable[None]],
    parked: ParkedRecord,
    *,
    max_attempts: int,
    backoff_seconds: float,
) -> None:
    """Retry transient failures with backoff, then raise for redelivery; park any other."""
    attempt = 0
    while True:
        attempt += 1
        try:
            await attempt_once()
            return
        except Exception as exc:
            if not is_retryable(exc):
                log.error("event cannot be handled; parked", error=repr(exc), attempts=attempt)
                await park(
                    broker, parked, reason="handler_error", error=repr(exc), attempts=attempt
                )
                return
            if attempt >= max_attempts:
                log.error("transient failure persists; will be redelivered", error=repr(exc))
                raise
            await asyncio.sleep(backoff_seconds * 2 ** (attempt - 1))

"""At-least-once batch consumers: one handler call per batch of records, same guarantees.

Offsets are committed after the whole batch is handled. A record that is not a valid event is
parked in `<topic>.dlq` before the rest is handled; a transient failure is retried with backoff
and, when it persists, the batch is redelivered from its first record. Any other failure of a
batch is narrowed down by handling its events one at a time, parking only those that fail.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import structlog
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage

from tsunagu.events import ReceivedEvent

from .consumer import handle_or_park, is_retryable, raw_body, read_or_park, text_headers
from .dead_letter import ParkedRecord
from .log_context import about_event

BatchHandler = Callable[[Sequence[ReceivedEvent]], Awaitable[None]]
log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class BatchSubscription:
    """How a batch consumer reads and retries."""

    group_id: str
    max_records: int = 500
    wait_ms: int = 50
    max_attempts: int = 5
    backoff_seconds: float = 0.2
    namespace: str = ""  # prefix of the topic names, e.g. for a separate test deployment


class BatchConsumerSettings(Protocol):
    """The settings of a service that consumes in batches."""

    consumer_group: str
    consume_batch_size: int
    consume_wait_ms: int
    consumer_max_attempts: int
    consumer_backoff_seconds: float


def subscription_of(settings: BatchConsumerSettings, *, namespace: str = "") -> BatchSubscription:
    """The batch subscription a service's settings describe."""
    return BatchSubscription(
        group_id=settings.consumer_group,
        max_records=settings.consume_batch_size,
        wait_ms=settings.consume_wait_ms,
        max_attempts=settings.consumer_max_attempts,
        backoff_seconds=settings.consumer_backoff_seconds,
        namespace=namespace,
    )


def subscribe_batch(
    broker: KafkaBroker,
    *,
    topics: Sequence[str],
    handler: BatchHandler,
    subscription: BatchSubscription,
) -> None:
    """Register `handler` for batches of events on `topics`; idempotence is the handler's duty."""
    names = [subscription.namespace + topic for topic in topics]

    async def on_batch(message: KafkaMessage) -> None:
        raw = message.raw_message
        records = tuple(raw) if isinstance(raw, tuple | list) else (raw,)
        events: list[tuple[ReceivedEvent, ParkedRecord]] = []
        for record in records:
            parked = ParkedRecord.of(record, group_id=subscription.group_id)
            # validated as an event of the topic it would have outside the namespace
            topic = parked.topic.removeprefix(subscription.namespace)
            event = await read_or_park(broker, parked, topic=topic)  # names it when parking
            if event is not None:
                events.append((event, parked))
        if events:
            await _handle_batch(broker, handler, events, subscription)

    broker.subscriber(
        *names,
        group_id=subscription.group_id,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.NACK_ON_ERROR,
        batch=True,
        max_records=subscription.max_records,
        batch_timeout_ms=subscription.wait_ms,
        parser=text_headers,
        decoder=raw_body,
    )(on_batch)


async def _handle_batch(
    broker: KafkaBroker,
    handler: BatchHandler,
    events: list[tuple[ReceivedEvent, ParkedRecord]],
    subscription: BatchSubscription,
) -> None:
    """Retry transient failures of the whole batch; narrow any other failure down to events."""
    attempt = 0
    while True:
        attempt += 1
        try:
            await handler([event for event, _ in events])
            return
        except Exception as exc:
            if not is_retryable(exc):
                log.warning("batch failed; handling its events one by one", error=repr(exc))
                break
            if attempt >= subscription.max_attempts:
                log.error("transient failure persists; batch will be redelivered", error=repr(exc))
                raise
            await asyncio.sleep(subscription.backoff_seconds * 2 ** (attempt - 1))
    for event, parked in events:
        with about_event(parked.headers):
            await handle_or_park(
                broker,
                functools.partial(handler, [event]),
                parked,
                max_attempts=subscription.max_attempts,
                backoff_seconds=subscription.backoff_seconds,
            )

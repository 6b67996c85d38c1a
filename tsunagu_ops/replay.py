"""Reading parked events from a dead-letter topic and bringing them back to where they came from.

Replay progress is kept as the committed offsets of the consumer group
`tsunagu-dlq-replay-<topic>`: a record is committed only after its copy was acknowledged on the
original topic, so a second replay starts after the last one and duplicates nothing. A crash
between the two re-publishes one event, which consumers absorb by its id.

A parked record goes back only to the topic whose dead-letter topic it is in, and only when it
is byte for byte the record still kept at the partition and offset its headers name. Any
consumer may write the dead-letter topics it reads; without these checks a forged record (say a
`tsunagu.agency.updated` parked by a compromised service) would be published by the operator's
replay onto whatever topic it names. A record that fails them is refused, counted and passed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import ConsumerRecord, OffsetAndMetadata

from tsunagu.messaging.dead_letter import (
    ATTEMPTS,
    CONSUMER_GROUP,
    DLQ_HEADERS,
    ERROR,
    ORIGINAL_OFFSET,
    ORIGINAL_PARTITION,
    ORIGINAL_TOPIC,
    REASON,
    replay_group,
)
from tsunagu.messaging.login import KafkaLogin
from tsunagu_ops.kafka_access.operator import operator_login
from tsunagu_schemas.topics import dead_letter_topic

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ParkedEvent:
    """One record of a dead-letter topic, with where it came from and why it was parked."""

    dlq_partition: int
    dlq_offset: int
    original_topic: str
    original_partition: int | None
    original_offset: int | None
    reason: str
    error: str
    attempts: int | None
    consumer_group: str
    event_type: str | None
    event_id: str | None
    replayed: bool
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...]

    def original_headers(self) -> list[tuple[str, bytes]]:
        """The record's headers as they were before it was parked."""
        return [(name, value) for name, value in self.headers if name not in DLQ_HEADERS]


def _int_or_none(raw: str) -> int | None:
    return int(raw) if raw.lstrip("-").isdigit() else None


def parked_event(record: ConsumerRecord[Any, Any], *, topic: str, replayed: bool) -> ParkedEvent:
    """Read the dead-letter headers of one record (missing ones read as empty)."""
    headers = tuple((name, bytes(value or b"")) for name, value in record.headers)
    text = {name: value.decode(errors="replace") for name, value in headers}
    return ParkedEvent(
        dlq_partition=record.partition,
        dlq_offset=record.offset,
        original_topic=text.get(ORIGINAL_TOPIC) or topic,
        original_partition=_int_or_none(text.get(ORIGINAL_PARTITION, "")),
        original_offset=_int_or_none(text.get(ORIGINAL_OFFSET, "")),
        reason=text.get(REASON, ""),
        error=text.get(ERROR, ""),
        attempts=_int_or_none(text.get(ATTEMPTS, "")),
        consumer_group=text.get(CONSUMER_GROUP, ""),
        event_type=text.get("ce_type"),
        event_id=text.get("ce_id"),
        replayed=replayed,
        key=record.key,
        value=record.value,
        headers=headers,
    )


@dataclass(frozen=True)
class Refusal:
    """A parked record that replay did not publish, and why."""

    event: ParkedEvent
    reason: str


class DeadLetters:
    """The dead-letter topic of one event topic, read through its replay group."""

    def __init__(self, kafka: KafkaLogin | str, topic: str) -> None:
        """`kafka`: a login, or a bootstrap address for the operator's login (`operator_login`)."""
        self.topic = topic
        self.dlq_topic = dead_letter_topic(topic)
        self._login = kafka if isinstance(kafka, KafkaLogin) else operator_login(kafka)
        self._consumer = AIOKafkaConsumer(
            **self._login.client_options(),
            group_id=replay_group(topic),
            enable_auto_commit=False,
            auto_offset_reset="earliest",
        )
        # Reads the originals on the event topic; no group, so it moves no one's offsets.
        self._originals = AIOKafkaConsumer(**self._login.client_options(), enable_auto_commit=False)
        self.refused: list[Refusal] = []
        """What the last replay passed over, and why."""

    async def __aenter__(self) -> DeadLetters:
        await self._consumer.start()
        await self._originals.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self._consumer.stop()
        await self._originals.stop()

    async def _refusal(self, event: ParkedEvent) -> str | None:
        """Why `event` may not go back (None: it is the original, still on this topic)."""
        if event.original_topic != self.topic:
            return f"it names another topic ({event.original_topic}) than {self.topic}"
        if event.original_partition is None or event.original_offset is None:
            return "it names no partition and offset of its original"
        partition = TopicPartition(self.topic, event.original_partition)
        self._originals.assign([partition])
        self._originals.seek(partition, event.original_offset)
        batch = await self._originals.getmany(partition, timeout_ms=5000, max_records=1)
        original = next(iter(batch.get(partition, [])), None)
        if original is None or original.offset != event.original_offset:
            return "its original is no longer kept at the partition and offset it names"
        if (original.key, original.value) != (event.key, event.value):
            return "it differs from the original kept at the partition and offset it names"
        return None

    async def _partitions(self) -> list[TopicPartition]:
        """The partitions of the dead-letter topic (none when it does not exist yet)."""
        admin = AIOKafkaAdminClient(**self._login.client_options())
        await admin.start()
        try:
            described = await admin.describe_topics([self.dlq_topic])
        finally:
            await admin.close()
        return [
            TopicPartition(self.dlq_topic, partition["partition"])
            for topic in described
            if topic["error_code"] == 0
            for partition in topic["partitions"]
        ]

    async def _positions(self) -> tuple[dict[TopicPartition, int], dict[TopicPartition, int]]:
        """Per partition of the dead-letter topic: where replay stands, and where it ends."""
        partitions = await self._partitions()
        if not partitions:
            return {}, {}
        self._consumer.assign(partitions)
        begin = await self._consumer.beginning_offsets(partitions)
        ends = await self._consumer.end_offsets(partitions)
        done = {p: max(begin[p], await self._consumer.committed(p) or 0) for p in partitions}
        return done, ends

    async def _records(
        self, start: dict[TopicPartition, int], ends: dict[TopicPartition, int]
    ) -> AsyncIterator[tuple[TopicPartition, ConsumerRecord[Any, Any]]]:
        """Yield the records from `start` up to `ends`, partition by partition."""
        for partition, offset in start.items():
            if offset >= ends[partition]:
                continue
            self._consumer.seek(partition, offset)
            while await self._consumer.position(partition) < ends[partition]:
                batch = await self._consumer.getmany(partition, timeout_ms=1000)
                for record in batch.get(partition, []):
                    if record.offset < ends[partition]:
                        yield partition, record

    async def parked(self) -> list[ParkedEvent]:
        """Every record of the dead-letter topic, marked replayed or not."""
        done, ends = await self._positions()
        start = {p: 0 for p in ends}
        return [
            parked_event(record, topic=self.topic, replayed=record.offset < done[partition])
            async for partition, record in self._records(start, ends)
        ]

    async def replay(self, *, on_progress: Progress | None = None, limit: int | None = None) -> int:
        """Re-publish every event parked since the last replay (the first `limit` of them, in
        the order `parked` lists them, when given); return how many went back. Records that
        are not their original are passed over and listed in `refused`."""
        done, ends = await self._positions()
        total = sum(ends[p] - done[p] for p in ends)
        if limit is not None:
            total = min(total, limit)
        producer = AIOKafkaProducer(
            **self._login.client_options(), enable_idempotence=True, acks="all"
        )
        await producer.start()
        count = 0
        self.refused = []
        try:
            async for partition, record in self._records(done, ends):
                if count + len(self.refused) == total:
                    break
                event = parked_event(record, topic=self.topic, replayed=False)
                refusal = await self._refusal(event)
                if refusal is None:
                    await producer.send_and_wait(
                        self.topic, event.value, key=event.key, headers=event.original_headers()
                    )
                    count += 1
                else:
                    self.refused.append(Refusal(event, refusal))
                commit = {partition: OffsetAndMetadata(record.offset + 1, "")}
                await self._consumer.commit(commit)
                if on_progress is not None:
                    on_progress(count + len(self.refused), total)
        finally:
            await producer.stop()
        return count

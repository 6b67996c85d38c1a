"""Positions in Kafka topics shared by the whole suite: where they end, and reading from there."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from aiokafka.structs import ConsumerRecord

from tests.infra import kafka_options

Records = list[ConsumerRecord[Any, Any]]


async def partitions_of(
    bootstrap: str, topics: Iterable[str], *, timeout: float = 30.0
) -> list[TopicPartition]:
    """Every partition of `topics`, creating those that do not exist yet.

    A topic just created is described without partitions (or with an error) until its
    metadata has reached the broker answering: wait until every topic shows its partitions.
    """
    wanted = list(topics)
    admin = AIOKafkaAdminClient(**kafka_options(bootstrap))
    await admin.start()
    try:
        missing = set(wanted) - set(await admin.list_topics())
        if missing:
            new = [NewTopic(t, num_partitions=3, replication_factor=1) for t in missing]
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(new)
        deadline = time.monotonic() + timeout
        while True:
            described = await admin.describe_topics(wanted)
            pending = [t["topic"] for t in described if t["error_code"] or not t["partitions"]]
            if not pending:
                break
            if time.monotonic() >= deadline:
                raise AssertionError(f"topics without partitions after {timeout}s: {pending}")
            await asyncio.sleep(0.1)
    finally:
        await admin.close()
    return [
        TopicPartition(topic["topic"], partition["partition"])
        for topic in described
        for partition in topic["partitions"]
    ]


async def end_offsets(
    bootstrap: str, topics: Iterable[str], *, group_id: str | None = None
) -> dict[TopicPartition, int]:
    """The end of every partition of `topics` now; committed for `group_id` when one is given."""
    partitions = await partitions_of(bootstrap, topics)
    consumer = AIOKafkaConsumer(
        **kafka_options(bootstrap), group_id=group_id, enable_auto_commit=False
    )
    await consumer.start()
    try:
        consumer.assign(partitions)
        ends: dict[TopicPartition, int] = await consumer.end_offsets(partitions)
        if group_id is not None:
            await consumer.commit(ends)
        return ends
    finally:
        await consumer.stop()


async def read_from(
    bootstrap: str,
    start: Mapping[TopicPartition, int],
    *,
    until: Callable[[Records], bool],
    timeout: float = 30.0,
) -> Records:
    """Read the partitions of `start` from the offsets given until `until(records)` holds."""
    consumer = AIOKafkaConsumer(**kafka_options(bootstrap), group_id=None, enable_auto_commit=False)
    await consumer.start()
    records: Records = []
    deadline = time.monotonic() + timeout
    try:
        consumer.assign(list(start))
        for partition, offset in start.items():
            consumer.seek(partition, offset)
        while not until(records):
            if time.monotonic() >= deadline:
                raise AssertionError(f"not seen within {timeout}s; {len(records)} records read")
            batch = await consumer.getmany(timeout_ms=100)
            for partition_records in batch.values():
                records.extend(partition_records)
    finally:
        await consumer.stop()
    return records


async def read_until_now(bootstrap: str, start: Mapping[TopicPartition, int]) -> Records:
    """Every record of the partitions of `start` from those offsets up to their current end."""
    ends = await end_offsets(bootstrap, sorted({p.topic for p in start}))

    def at_the_end(records: Records) -> bool:
        reached = {p: start.get(p, 0) for p in ends}
        for record in records:
            partition = TopicPartition(record.topic, record.partition)
            reached[partition] = max(reached[partition], record.offset + 1)
        return all(reached[p] >= end for p, end in ends.items())

    return await read_from(bootstrap, {p: start.get(p, 0) for p in ends}, until=at_the_end)


async def read_whole_topic(bootstrap: str, topic: str) -> Records:
    """Every record of `topic` published until now."""
    return await read_until_now(
        bootstrap, dict.fromkeys(await partitions_of(bootstrap, [topic]), 0)
    )

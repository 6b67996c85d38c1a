"""When each referral event reached the audit log and the agencies' inboxes.

The bench tails the referral topic to learn where each API call's event landed, then polls the
committed offsets of the audit and notifications consumer groups. Both commit only after the
record (or inbox entry) is stored, so an event counts as arrived the first time its group's
committed offset is past it: at most one poll interval after it was stored.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from tsunagu_ops.kafka_access.operator import operator_options

Position = tuple[TopicPartition, int]


@dataclass
class Arrivals:
    """Per consumer group: when each (referral id, step) event was committed by it."""

    at: dict[str, dict[tuple[str, int], float]] = field(default_factory=dict)


async def partitions_of(bootstrap: str, topic: str) -> list[TopicPartition]:
    """Every partition of `topic`, as the cluster describes it."""
    admin = AIOKafkaAdminClient(**operator_options(bootstrap))
    await admin.start()
    try:
        described = await admin.describe_topics([topic])
    finally:
        await admin.close()
    return [TopicPartition(topic, p["partition"]) for t in described for p in t["partitions"]]


class EventTracker:
    """Follows the referral topic and the consumer groups' progress over it."""

    def __init__(self, bootstrap: str, topic: str, groups: list[str], poll_s: float = 0.02):
        self._bootstrap, self._topic, self._groups, self._poll_s = bootstrap, topic, groups, poll_s
        self._steps: dict[str, int] = defaultdict(int)
        self._pending = {g: defaultdict(deque) for g in groups}  # type: dict[str, defaultdict[TopicPartition, deque[tuple[int, tuple[str, int]]]]]
        self.arrivals = Arrivals(at={g: {} for g in groups})
        self.seen = 0
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        """Start tailing from the topic's current end, and polling the groups."""
        consumer = AIOKafkaConsumer(**operator_options(self._bootstrap), enable_auto_commit=False)
        await consumer.start()
        partitions = await partitions_of(self._bootstrap, self._topic)
        consumer.assign(partitions)
        await consumer.seek_to_end(*partitions)
        for partition in partitions:
            await consumer.position(partition)
        admin = AIOKafkaAdminClient(**operator_options(self._bootstrap))
        await admin.start()
        self._tasks = [
            asyncio.create_task(self._tail(consumer)),
            asyncio.create_task(self._poll(admin)),
        ]

    async def stop(self) -> None:
        """Stop tailing and polling."""
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def outstanding(self) -> int:
        """Events seen on the topic not yet committed by every group."""
        return sum(len(q) for pending in self._pending.values() for q in pending.values())

    async def _tail(self, consumer: AIOKafkaConsumer) -> None:
        """Note where every referral event landed, numbering each referral's events."""
        try:
            while True:
                batch = await consumer.getmany(timeout_ms=100)
                for partition, records in batch.items():
                    for record in records:
                        referral_id = (record.key or b"").decode()
                        step = self._steps[referral_id]
                        self._steps[referral_id] += 1
                        for pending in self._pending.values():
                            pending[partition].append((record.offset, (referral_id, step)))
                        self.seen += 1
        finally:
            await consumer.stop()

    async def _poll(self, admin: AIOKafkaAdminClient) -> None:
        """Mark events arrived as soon as their group's committed offset passes them."""
        try:
            while True:
                for group in self._groups:
                    committed = await admin.list_consumer_group_offsets(group)
                    now = time.monotonic()
                    for partition, queue in self._pending[group].items():
                        meta = committed.get(partition)
                        while queue and meta is not None and queue[0][0] < meta.offset:
                            self.arrivals.at[group][queue.popleft()[1]] = now
                await asyncio.sleep(self._poll_s)
        finally:
            await admin.close()

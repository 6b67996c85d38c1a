"""Watching a broker failover: who leads a partition, how long writes to it stalled, and
whether every replica is back in sync."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
import uuid
from dataclasses import dataclass, field

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError

from tests.infra import kafka_options

PROBE_EVERY = 0.05
DESCRIBE_PATIENCE = 30.0
"""How long to keep asking while a node is down: the admin client may pick the dead one."""


async def partition_replicas(bootstrap: str, topic: str) -> dict[int, tuple[int, list[int]]]:
    """Each partition of `topic`: its leader's node id and its in-sync replicas. A request that
    went to a node that is down is asked again (of a fresh client) for a while."""
    deadline = time.monotonic() + DESCRIBE_PATIENCE
    while True:
        admin = AIOKafkaAdminClient(**kafka_options(bootstrap))
        try:
            await admin.start()
            (described,) = await admin.describe_topics([topic])
            break
        except KafkaError:
            if time.monotonic() >= deadline:
                raise
            await asyncio.sleep(0.5)
        finally:
            await admin.close()
    return {p["partition"]: (p["leader"], sorted(p["isr"])) for p in described["partitions"]}


@dataclass
class WriteProbe:
    """Writes, one after the other and as the services' producers do (idempotent, acks=all),
    to a partition of its own topic led by the broker under watch, noting each acknowledgement.

    The probe's partition has the same leader and followers as the watched one, so it stalls
    as long as that one does when its leader dies."""

    bootstrap: str
    replicas: list[int]
    """Leader first, then the followers."""
    acked: list[float] = field(default_factory=list)
    _stopping: asyncio.Event = field(default_factory=asyncio.Event)

    async def run(self) -> None:
        """Write until `stop`; a write that fails is tried again at once."""
        topic = f"failover-probe-{uuid.uuid4().hex[:8]}"
        admin = AIOKafkaAdminClient(**kafka_options(self.bootstrap))
        await admin.start()
        try:
            config = {"min.insync.replicas": "2"}
            assignment = {0: self.replicas}  # partitions and copies come from the assignment
            probe = NewTopic(topic, -1, -1, replica_assignments=assignment, topic_configs=config)
            await admin.create_topics([probe])
        finally:
            await admin.close()
        producer = AIOKafkaProducer(
            **kafka_options(self.bootstrap),
            acks="all",
            enable_idempotence=True,
            request_timeout_ms=30_000,
        )
        await producer.start()
        try:
            while not self._stopping.is_set():
                with contextlib.suppress(KafkaError):
                    await producer.send_and_wait(topic, b"probe", partition=0)
                    self.acked.append(time.monotonic())
                await asyncio.sleep(PROBE_EVERY)
        finally:
            await producer.stop()

    def stop(self) -> None:
        """End the writes."""
        self._stopping.set()

    def stall_since(self, moment: float) -> float | None:
        """The longest wait between two acknowledgements around `moment` (None: no write was
        acknowledged after it yet)."""
        before = [t for t in self.acked if t <= moment]
        after = [t for t in self.acked if t > moment]
        if not after:
            return None
        times = [before[-1] if before else moment, *after]
        return max(b - a for a, b in itertools.pairwise(times))

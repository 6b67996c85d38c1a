"""How far behind Kafka each consumer group is, and what waits in the dead-letter topics.

For every group a service consumes in, per partition: records behind (end offset minus the
committed one, or minus the first offset before any commit) and seconds behind (the age of the
first record not yet handled). Dead letters are the same measure taken for the replay group
of each consumed topic's `.dlq`: what was parked and not yet replayed, and the oldest one's
age. Offsets come from the broker, so replicas of a service report the same values.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from faststream.kafka import KafkaBroker
from prometheus_client.core import GaugeMetricFamily, Metric

from tsunagu.messaging.dead_letter import replay_group
from tsunagu.messaging.login import KafkaLogin
from tsunagu_schemas.topics import dead_letter_topic

from .snapshot import Probe

LAG_RECORDS = "tsunagu_consumer_lag_records"
LAG_SECONDS = "tsunagu_consumer_lag_seconds"
DEAD_LETTERS = "tsunagu_dead_letters"
DEAD_LETTER_AGE = "tsunagu_dead_letters_oldest_age_seconds"


@dataclass(frozen=True)
class Behind:
    """One partition's distance from its group's position to its end."""

    partition: TopicPartition
    records: int
    seconds: float | None
    """Age of the first record not yet handled; None when none waits or it could not be read."""


def consumed(broker: KafkaBroker) -> dict[str, tuple[str, ...]]:
    """The consumer groups the broker's subscribers use, each with its topics."""
    groups: dict[str, tuple[str, ...]] = {}
    for subscriber in broker.subscribers:
        group = getattr(subscriber, "group_id", None)
        topics = tuple(getattr(subscriber, "topic_names", ()))
        if group:
            groups[group] = groups.get(group, ()) + topics
    return groups


class KafkaPositions(Probe):
    """Reads consumer lag and dead-letter depth for the groups of `broker`'s subscribers."""

    name = "kafka"

    def __init__(self, login: KafkaLogin, broker: KafkaBroker) -> None:
        self._login = login
        self._broker = broker
        self._admin: AIOKafkaAdminClient | None = None
        self._consumer: AIOKafkaConsumer | None = None

    async def read(self) -> list[Metric]:
        """Lag of every consumed partition and dead letters of every consumed topic."""
        admin, consumer = await self._clients()
        groups = consumed(self._broker)
        records = _gauge(LAG_RECORDS, "Records the group has not handled yet", partitioned=True)
        seconds = _gauge(LAG_SECONDS, "Age of the first record not handled yet", partitioned=True)
        for group, topics in groups.items():
            for behind in await _behind(admin, consumer, group, topics):
                labels = [group, behind.partition.topic, str(behind.partition.partition)]
                records.add_metric(labels, float(behind.records))
                seconds.add_metric(labels, behind.seconds or 0.0)
        depth = _gauge(DEAD_LETTERS, "Parked events not replayed yet", partitioned=False)
        age = _gauge(DEAD_LETTER_AGE, "Age of the oldest parked event", partitioned=False)
        for topic in sorted({topic for topics in groups.values() for topic in topics}):
            parked = await _behind(admin, consumer, replay_group(topic), [dead_letter_topic(topic)])
            depth.add_metric([dead_letter_topic(topic)], float(sum(b.records for b in parked)))
            ages = [b.seconds for b in parked if b.seconds is not None]
            age.add_metric([dead_letter_topic(topic)], max(ages, default=0.0))
        return [records, seconds, depth, age]

    async def close(self) -> None:
        """Stop the admin client and the reading consumer."""
        admin, consumer, self._admin, self._consumer = self._admin, self._consumer, None, None
        if consumer is not None:
            await consumer.stop()
        if admin is not None:
            await admin.close()

    async def _clients(self) -> tuple[AIOKafkaAdminClient, AIOKafkaConsumer]:
        if self._admin is None or self._consumer is None:
            options = self._login.client_options()
            admin = AIOKafkaAdminClient(**options, client_id="tsunagu-metrics")
            consumer = AIOKafkaConsumer(
                **options,
                client_id="tsunagu-metrics",
                group_id=None,
                enable_auto_commit=False,
                max_partition_fetch_bytes=64 * 1024,
            )
            await admin.start()
            try:
                await consumer.start()
            except BaseException:
                await admin.close()  # the next read starts both again
                raise
            self._admin, self._consumer = admin, consumer
        return self._admin, self._consumer


def _gauge(name: str, documentation: str, *, partitioned: bool) -> GaugeMetricFamily:
    labels = ["group", "topic", "partition"] if partitioned else ["topic"]
    return GaugeMetricFamily(name, documentation, labels=labels)


async def _partitions(admin: AIOKafkaAdminClient, topics: Sequence[str]) -> list[TopicPartition]:
    described = await admin.describe_topics(list(topics))
    return [
        TopicPartition(topic["topic"], partition["partition"])
        for topic in described
        if not topic.get("error_code")
        for partition in topic["partitions"]
    ]


async def _behind(
    admin: AIOKafkaAdminClient, consumer: AIOKafkaConsumer, group: str, topics: Sequence[str]
) -> list[Behind]:
    """Each partition of `topics`: how far `group`'s committed position is from the end."""
    partitions = await _partitions(admin, topics)
    if not partitions:
        return []
    committed = await admin.list_consumer_group_offsets(group, partitions=partitions)
    first = await consumer.beginning_offsets(partitions)
    end = await consumer.end_offsets(partitions)
    positions = {}
    for tp in partitions:
        done = committed.get(tp)
        positions[tp] = max(first[tp], done.offset if done is not None else -1)
    waiting = [tp for tp in partitions if end[tp] > positions[tp]]
    ages = await _ages(consumer, {tp: positions[tp] for tp in waiting})
    return [Behind(tp, max(0, end[tp] - positions[tp]), ages.get(tp)) for tp in partitions]


async def _ages(
    consumer: AIOKafkaConsumer, positions: dict[TopicPartition, int]
) -> dict[TopicPartition, float]:
    """The age of the record at each position (skipped when it cannot be read in time)."""
    if not positions:
        return {}
    consumer.assign(list(positions))
    for tp, offset in positions.items():
        consumer.seek(tp, offset)
    ages: dict[TopicPartition, float] = {}
    now = time.time()
    for tp in positions:
        fetched = await consumer.getmany(tp, timeout_ms=1000, max_records=1)
        for record in fetched.get(tp, []):
            ages[tp] = max(0.0, now - record.timestamp / 1000)
    return ages

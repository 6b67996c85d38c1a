"""Consumer lag and dead-letter depth, read from the real broker's offsets and records."""

from __future__ import annotations

import time
import uuid

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import OffsetAndMetadata
from faststream.kafka import KafkaBroker
from prometheus_client.core import Metric

from tests.infra import Endpoints, kafka_login_for, kafka_options
from tests.integration.kafka_positions import partitions_of
from tsunagu.messaging.dead_letter import replay_group
from tsunagu.metrics import KafkaPositions
from tsunagu.metrics.kafka_positions import (
    DEAD_LETTER_AGE,
    DEAD_LETTERS,
    LAG_RECORDS,
    LAG_SECONDS,
)
from tsunagu_schemas.topics import dead_letter_topic


def _values(families: list[Metric], name: str) -> dict[tuple[str, ...], float]:
    (family,) = [f for f in families if f.name == name]
    return {tuple(s.labels.values()): s.value for s in family.samples}


async def _commit(bootstrap: str, group: str, tp: TopicPartition, offset: int) -> None:
    consumer = AIOKafkaConsumer(**kafka_options(bootstrap), group_id=group)
    await consumer.start()
    try:
        consumer.assign([tp])
        await consumer.commit({tp: OffsetAndMetadata(offset, "")})
    finally:
        await consumer.stop()


async def test_lag_and_dead_letters_count_records_and_age_from_the_broker(
    endpoints: Endpoints,
) -> None:
    bootstrap = endpoints.kafka_bootstrap_servers
    topic, group = f"test-metrics-{uuid.uuid4().hex[:8]}", f"test-metrics-{uuid.uuid4().hex[:8]}"
    parked = dead_letter_topic(topic)
    await partitions_of(bootstrap, [topic, parked])
    producer = AIOKafkaProducer(**kafka_options(bootstrap))
    await producer.start()
    two_minutes_ago = int((time.time() - 120) * 1000)
    try:
        for _ in range(5):
            await producer.send_and_wait(topic, b"{}", partition=0, timestamp_ms=two_minutes_ago)
        for _ in range(2):
            await producer.send_and_wait(parked, b"{}", partition=1, timestamp_ms=two_minutes_ago)
    finally:
        await producer.stop()
    # a commit where nothing waits: on a fresh broker, it waits for the group coordinator
    await _commit(bootstrap, group, TopicPartition(topic, 1), 0)
    broker = KafkaBroker(bootstrap)  # never started: the probe reads only its subscribers
    broker.subscriber(topic, group_id=group)(lambda body: None)
    probe = KafkaPositions(kafka_login_for(bootstrap), broker)
    try:
        read = await probe.read()
        assert _values(read, LAG_RECORDS) == {
            (group, topic, "0"): 5.0, (group, topic, "1"): 0.0, (group, topic, "2"): 0.0
        }  # fmt: skip
        seconds = _values(read, LAG_SECONDS)
        assert 110 < seconds[(group, topic, "0")] < 600
        assert seconds[(group, topic, "1")] == 0.0
        assert _values(read, DEAD_LETTERS) == {(parked,): 2.0}
        assert 110 < _values(read, DEAD_LETTER_AGE)[(parked,)] < 600

        await _commit(bootstrap, group, TopicPartition(topic, 0), 3)
        await _commit(bootstrap, replay_group(topic), TopicPartition(parked, 1), 2)
        read = await probe.read()
        assert _values(read, LAG_RECORDS)[(group, topic, "0")] == 2.0
        assert _values(read, DEAD_LETTERS) == {(parked,): 0.0}
        assert _values(read, DEAD_LETTER_AGE) == {(parked,): 0.0}
    finally:
        await probe.close()
        admin = AIOKafkaAdminClient(**kafka_options(bootstrap))
        await admin.start()
        try:
            await admin.delete_topics([topic, parked])
        finally:
            await admin.close()

"""The event pipeline as Kafka sees it: each consumer group's lag, and the dead letters."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from tsunagu.messaging.login import KafkaLogin
from tsunagu_ops.replay import DeadLetters, ParkedEvent
from tsunagu_schemas.topics import EVENT_TOPICS

REPLAY_GROUP_PREFIX = "tsunagu-dlq-replay-"


@dataclass(frozen=True)
class Lag:
    """How far one consumer group is behind on one topic (summed over its partitions)."""

    group: str
    topic: str
    committed: int
    end: int

    @property
    def behind(self) -> int:
        """Records written but not yet handled by the group."""
        return self.end - self.committed


@dataclass(frozen=True)
class TopicLetters:
    """The dead letters of one event topic."""

    topic: str
    parked: list[ParkedEvent]

    @property
    def waiting(self) -> int:
        """Parked events not replayed yet."""
        return sum(not event.replayed for event in self.parked)


async def _groups(admin: AIOKafkaAdminClient, wanted: tuple[str, ...]) -> list[str]:
    """The groups named, or else every group but the dead-letter replay groups."""
    if wanted:
        return list(wanted)
    listed = await admin.list_consumer_groups()
    names = sorted(str(group[0]) for group in listed)
    return [name for name in names if not name.startswith(REPLAY_GROUP_PREFIX)]


async def consumer_lag(login: KafkaLogin, wanted: tuple[str, ...] = ()) -> list[Lag]:
    """Committed offsets against end offsets, per group and event topic it has committed on."""
    admin = AIOKafkaAdminClient(**login.client_options())
    await admin.start()
    try:
        committed = {
            group: await admin.list_consumer_group_offsets(group)
            for group in await _groups(admin, wanted)
        }
    finally:
        await admin.close()
    partitions = {
        tp for offsets in committed.values() for tp in offsets if tp.topic in EVENT_TOPICS
    }
    ends = await _end_offsets(login, partitions)
    return [
        lag
        for group, offsets in committed.items()
        for lag in _per_topic(group, {tp: meta.offset for tp, meta in offsets.items()}, ends)
    ]


def _per_topic(
    group: str, offsets: dict[TopicPartition, int], ends: dict[TopicPartition, int]
) -> Iterable[Lag]:
    """One `Lag` per event topic the group committed on."""
    for topic in EVENT_TOPICS:
        mine = [tp for tp in offsets if tp.topic == topic and offsets[tp] >= 0]
        if mine:
            done = sum(offsets[tp] for tp in mine)
            yield Lag(group, topic, done, sum(ends.get(tp, offsets[tp]) for tp in mine))


async def _end_offsets(
    login: KafkaLogin, partitions: set[TopicPartition]
) -> dict[TopicPartition, int]:
    """Where each partition ends now."""
    if not partitions:
        return {}
    consumer = AIOKafkaConsumer(**login.client_options())
    await consumer.start()
    try:
        ends: dict[TopicPartition, int] = await consumer.end_offsets(list(partitions))
        return ends
    finally:
        await consumer.stop()


async def dead_letters(login: KafkaLogin) -> list[TopicLetters]:
    """Every event topic's parked events, marked replayed or not."""
    result = []
    for topic in EVENT_TOPICS:
        async with DeadLetters(login, topic) as letters:
            result.append(TopicLetters(topic, await letters.parked()))
    return result


async def replay_next(login: KafkaLogin, topic: str) -> tuple[int, int]:
    """Re-publish the first event of `topic` not replayed yet; how many went back and how many
    were refused (not the original still kept on the topic), each 0 or 1."""
    async with DeadLetters(login, topic) as letters:
        return await letters.replay(limit=1), len(letters.refused)

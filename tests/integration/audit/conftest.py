"""The audit service running in-process against the real Kafka and store."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from services.audit.main import create_app
from services.audit.settings import AuditSettings
from tests.integration.audit.sample_events import AuditService
from tests.integration.harness import ServiceEnv, running
from tsunagu_schemas.topics import EVENT_TOPICS


async def event_partitions(bootstrap: str) -> list[TopicPartition]:
    """Every partition of the event topics, creating the topics that do not exist yet."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        missing = set(EVENT_TOPICS) - set(await admin.list_topics())
        if missing:
            new = [NewTopic(t, num_partitions=3, replication_factor=1) for t in missing]
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(new)
        described = await admin.describe_topics(list(EVENT_TOPICS))
    finally:
        await admin.close()
    return [
        TopicPartition(topic["topic"], partition["partition"])
        for topic in described
        for partition in topic["partitions"]
    ]


async def start_group_at_the_end(settings: AuditSettings) -> None:
    """Commit the group's offsets at the end of every event topic.

    The topics are shared by the whole suite; replaying their history in every test would make
    the tests slower with every test that ran before. Each test's chain starts with its events.
    """
    partitions = await event_partitions(settings.kafka_bootstrap_servers)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        group_id=settings.consumer_group,
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        consumer.assign(partitions)
        await consumer.commit(await consumer.end_offsets(partitions))
    finally:
        await consumer.stop()


@pytest.fixture
async def audit_settings(service_env: ServiceEnv) -> AuditSettings:
    """Settings isolating this test's audit log; small batches exercise the paging."""
    settings = AuditSettings(**service_env.settings_kwargs("audit"), scan_batch_size=7)
    await start_group_at_the_end(settings)
    return settings


@pytest.fixture
async def audit(audit_settings: AuditSettings) -> AsyncIterator[AuditService]:
    """The audit service, running for one test."""
    async with running(create_app(audit_settings)) as http:
        yield AuditService(http=http, settings=audit_settings)

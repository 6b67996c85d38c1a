"""The audit service catching up on a backlog: a separate process, database and consumer group.

The backlog goes to topics under a namespace of their own (`bench-<run>.`), so neither the
demo's audit log nor the other services see it; everything is deleted afterwards.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient
from pymongo import AsyncMongoClient

from services.audit import RECORDS_COLLECTION
from tsunagu_ops.bench.machine import peak_rss_mb
from tsunagu_ops.kafka_access.operator import operator_login, operator_options
from tsunagu_ops.localstack.ports import free_port
from tsunagu_ops.localstack.processes import stop
from tsunagu_ops.localstack.services import service_env, start_service, wait_service_ready
from tsunagu_schemas.topics import EVENT_TOPICS

from .backlog import Progress


@dataclass(frozen=True)
class CatchUp:
    """How fast the separate audit process recorded the backlog, and its memory."""

    seconds: float
    startup_seconds: float
    recorded: int
    peak_rss_mb: float | None


async def committed_total(admin: AIOKafkaAdminClient, group: str, topic: str) -> int:
    """Sum of the group's committed offsets over `topic` (its records handled so far)."""
    offsets = await admin.list_consumer_group_offsets(group)
    return sum(meta.offset for tp, meta in offsets.items() if tp.topic == topic and meta.offset > 0)


async def run_catch_up(
    *, bootstrap: str, mongo_url: str, namespace: str, count: int, logs: Path, tick: Progress
) -> CatchUp:
    """Start an audit process on the namespaced topics, time it until all is committed."""
    database, group = f"{namespace.strip('.')}_audit".replace("-", "_"), f"{namespace}audit"
    env = service_env(
        "audit",
        kafka_bootstrap_servers=bootstrap,
        mongo_url=mongo_url,
        port=free_port(),
        database=database,
        kafka_login=operator_login(bootstrap),  # the benchmark's own topics: the admin's
    )
    env |= {
        "TSUNAGU_AUDIT_TOPIC_NAMESPACE": namespace,
        "TSUNAGU_AUDIT_CONSUMER_GROUP": group,
        "TSUNAGU_LOG_LEVEL": "WARNING",
    }
    spawned = time.monotonic()
    handle = start_service("audit", env, logs / f"{namespace}audit.log")
    admin = AIOKafkaAdminClient(**operator_options(bootstrap))
    await admin.start()
    try:
        await asyncio.to_thread(
            wait_service_ready, handle, f"http://127.0.0.1:{env['TSUNAGU_AUDIT_PORT']}", 120
        )
        ready = time.monotonic()
        topic = namespace + EVENT_TOPICS[0]
        while (done := await committed_total(admin, group, topic)) < count:
            tick(done)
            await asyncio.sleep(0.2)
        finished = time.monotonic()
        peak = peak_rss_mb(handle.pid)
    finally:
        stop(handle)
        await admin.close()
    recorded = await _count_and_drop(mongo_url, database)
    return CatchUp(finished - ready, ready - spawned, recorded, peak)


async def _count_and_drop(mongo_url: str, database: str) -> int:
    """How many records the process stored; then its database is dropped."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongo_url)
    try:
        return await client[database][RECORDS_COLLECTION].count_documents({})
    finally:
        await client.drop_database(database)
        await client.close()


async def delete_topics(bootstrap: str, namespace: str) -> None:
    """Delete every topic of the namespace."""
    admin = AIOKafkaAdminClient(**operator_options(bootstrap))
    await admin.start()
    try:
        ours = [t for t in await admin.list_topics() if t.startswith(namespace)]
        if ours:
            await admin.delete_topics(ours)
    finally:
        await admin.close()

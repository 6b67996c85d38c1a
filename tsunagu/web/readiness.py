"""The readiness checks every service runs: its store answers, and Kafka answers."""

from __future__ import annotations

from typing import Any

from faststream.kafka import KafkaBroker
from pymongo import AsyncMongoClient

from tsunagu.store import ping

from .app import ReadinessCheck

KAFKA_PING_SECONDS = 3.0


def store_and_kafka(
    client: AsyncMongoClient[dict[str, Any]],
    broker: KafkaBroker,
    *,
    kafka_timeout: float = KAFKA_PING_SECONDS,
) -> dict[str, ReadinessCheck]:
    """Checks named `store` and `kafka` for `/readyz`."""

    async def store() -> None:
        await ping(client)

    async def kafka() -> None:
        if not await broker.ping(kafka_timeout):
            raise ConnectionError(f"Kafka did not answer within {kafka_timeout} s")

    return {"store": store, "kafka": kafka}

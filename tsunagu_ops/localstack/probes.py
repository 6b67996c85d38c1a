"""Readiness probes for Kafka, the document store and HTTP services."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import httpx
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError
from pymongo import MongoClient
from pymongo.errors import PyMongoError

from tsunagu.messaging.login import KafkaLogin
from tsunagu_ops.localstack.errors import StartupError
from tsunagu_ops.localstack.processes import ProcessHandle, handle_alive, log_tail

Probe = Callable[[], bool]


def _run(coroutine: Coroutine[Any, Any, bool]) -> bool:
    """Run ``coroutine`` to completion, also when called from inside an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@contextmanager
def _quiet_kafka_client() -> Iterator[None]:
    """Silence the client's connection errors while the broker is still starting."""
    logger = logging.getLogger("aiokafka")
    previous = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(previous)


async def _kafka_has_broker(login: KafkaLogin) -> bool:
    """Ask Kafka for cluster metadata and tell whether it lists a broker."""
    admin = AIOKafkaAdminClient(**login.client_options(), request_timeout_ms=3000)
    try:
        await admin.start()
        cluster = await admin.describe_cluster()
        return bool(cluster.get("brokers"))
    except (TimeoutError, KafkaError, OSError):
        return False
    finally:
        await admin.close()


def kafka_probe(login: KafkaLogin | Callable[[], KafkaLogin]) -> Probe:
    """Return a probe that succeeds once a Kafka metadata request (as `login`) succeeds."""

    def probe() -> bool:
        with _quiet_kafka_client():
            return _run(_kafka_has_broker(login if isinstance(login, KafkaLogin) else login()))

    return probe


def store_probe(mongo_url: str) -> Probe:
    """Return a probe that succeeds once the store answers ``ping``."""

    def probe() -> bool:
        client: MongoClient[dict[str, Any]] = MongoClient(
            mongo_url, serverSelectionTimeoutMS=1500, connectTimeoutMS=1500
        )
        try:
            client.admin.command("ping")
            return True
        except PyMongoError:
            return False
        finally:
            client.close()

    return probe


def http_probe(url: str) -> Probe:
    """Return a probe that succeeds once ``GET url`` answers 200."""

    def probe() -> bool:
        try:
            return httpx.get(url, timeout=2.0).status_code == 200
        except httpx.HTTPError:
            return False

    return probe


def wait_ready(handle: ProcessHandle, probe: Probe, *, timeout: float, what: str) -> None:
    """Wait until ``probe`` succeeds; fail early if the process exits, late on ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        if not handle_alive(handle):
            raise StartupError(_failure(handle, f"{what} exited during startup"))
        if probe():
            return
        if time.monotonic() >= deadline:
            raise StartupError(_failure(handle, f"{what} was not ready after {timeout:.0f} s"))
        time.sleep(0.5)


def _failure(handle: ProcessHandle, headline: str) -> str:
    """Build an error message with the end of the process's log."""
    tail = log_tail(handle.log_path) or "(empty log)"
    return f"{headline}; log {handle.log_path}:\n{tail}"

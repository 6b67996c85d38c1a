"""Kafka and a MongoDB-wire store for the test suite, from the first source available.

1. ``TSUNAGU_TEST_KAFKA_BOOTSTRAP_SERVERS`` / ``TSUNAGU_TEST_MONGO_URL`` (either alone is fine);
2. containers, when a Docker daemon answers;
3. otherwise the local stack on test ports, with a fresh data folder, stopped at the end.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

from rich.console import Console

from tsunagu_ops.localstack import (
    KAFKA,
    LocalStackError,
    down,
    kafka_part,
    launch,
    layout_for_tests,
    stop_all,
    store_part,
    wipe,
)
from tsunagu_ops.localstack.ports import free_port
from tsunagu_ops.localstack.probes import Probe, kafka_probe

KAFKA_ENV = "TSUNAGU_TEST_KAFKA_BOOTSTRAP_SERVERS"
MONGO_ENV = "TSUNAGU_TEST_MONGO_URL"
KAFKA_IMAGE = "apache/kafka:4.1.1"
MONGO_IMAGE = "mongo:7.0"


@dataclass(frozen=True)
class Endpoints:
    """Where the tests find Kafka and the store, and how they were obtained."""

    kafka_bootstrap_servers: str
    mongo_url: str
    mode: str


def docker_available() -> bool:
    """Tell whether a Docker daemon answers within two seconds."""
    try:
        from testcontainers.core.docker_client import DockerClient

        client = DockerClient(timeout=2)
        try:
            return bool(client.client.ping())
        finally:
            client.client.close()
    except Exception:
        return False


def _wait_for(probe: Probe, timeout: float, what: str) -> None:
    """Poll ``probe`` until it succeeds or ``timeout`` seconds have passed."""
    deadline = time.monotonic() + timeout
    while not probe():
        if time.monotonic() >= deadline:
            raise LocalStackError(f"{what} was not ready after {timeout:.0f} s")
        time.sleep(0.5)


@contextmanager
def kafka_container() -> Iterator[str]:
    """Run a single-node Kafka container; yield its bootstrap address."""
    from testcontainers.core.container import DockerContainer
    from testcontainers.core.docker_client import DockerClient

    host, port = DockerClient().host(), free_port()
    container = DockerContainer(KAFKA_IMAGE).with_bind_ports(9092, port)
    settings = {
        "NODE_ID": "1",
        "PROCESS_ROLES": "broker,controller",
        "LISTENERS": "PLAINTEXT://:9092,BROKER://:29092,CONTROLLER://:9093",
        "ADVERTISED_LISTENERS": f"PLAINTEXT://{host}:{port},BROKER://localhost:29092",
        "LISTENER_SECURITY_PROTOCOL_MAP": "PLAINTEXT:PLAINTEXT,BROKER:PLAINTEXT,"
        "CONTROLLER:PLAINTEXT",
        "INTER_BROKER_LISTENER_NAME": "BROKER",
        "CONTROLLER_LISTENER_NAMES": "CONTROLLER",
        "CONTROLLER_QUORUM_VOTERS": "1@localhost:9093",
        "OFFSETS_TOPIC_REPLICATION_FACTOR": "1",
        "TRANSACTION_STATE_LOG_REPLICATION_FACTOR": "1",
        "TRANSACTION_STATE_LOG_MIN_ISR": "1",
        "SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR": "1",
        "SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR": "1",
        "GROUP_INITIAL_REBALANCE_DELAY_MS": "0",
        "NUM_PARTITIONS": "3",
        "AUTO_CREATE_TOPICS_ENABLE": "true",
    }
    for key, value in settings.items():
        container.with_env(f"KAFKA_{key}", value)
    with container:
        bootstrap = f"{host}:{port}"
        _wait_for(kafka_probe(bootstrap), 120.0, "Kafka container")
        yield bootstrap


@contextmanager
def mongo_container() -> Iterator[str]:
    """Run a MongoDB container; yield its connection URL."""
    from testcontainers.mongodb import MongoDbContainer

    with MongoDbContainer(MONGO_IMAGE) as container:
        yield container.get_connection_url()


@contextmanager
def local_stack(*, kafka: bool, store: bool) -> Iterator[tuple[str, str]]:
    """Run Kafka and/or the store from the local stack on test ports, on fresh data."""
    layout = layout_for_tests()
    console = Console(stderr=True)
    down(layout, console)
    wipe(layout)
    parts = [store_part(layout, console)] if store else []
    parts += [kafka_part(layout, console)] if kafka else []
    try:
        handles = launch(layout, parts, console)
        yield layout.kafka_bootstrap_servers, layout.mongo_url
        stop_all(list(reversed(handles)), {KAFKA: 30.0})
    finally:
        down(layout, console)


@contextmanager
def provide_endpoints(environ: Mapping[str, str] | None = None) -> Iterator[Endpoints]:
    """Yield test endpoints from the environment, containers or the local stack."""
    env = os.environ if environ is None else environ
    kafka, mongo = env.get(KAFKA_ENV) or "", env.get(MONGO_ENV) or ""
    sources = {"kafka": "env" if kafka else "", "store": "env" if mongo else ""}
    with ExitStack() as stack:
        if not (kafka and mongo) and docker_available():
            kafka = kafka or stack.enter_context(kafka_container())
            mongo = mongo or stack.enter_context(mongo_container())
            sources = {part: source or "containers" for part, source in sources.items()}
        elif not (kafka and mongo):
            wanted = local_stack(kafka=not kafka, store=not mongo)
            local_kafka, local_mongo = stack.enter_context(wanted)
            kafka, mongo = kafka or local_kafka, mongo or local_mongo
            sources = {part: source or "localstack" for part, source in sources.items()}
        yield Endpoints(kafka, mongo, _mode(sources))


def _mode(sources: dict[str, str]) -> str:
    """Describe where the endpoints come from: one word, or one per part if they differ."""
    if len(set(sources.values())) == 1:
        return sources["kafka"]
    return ",".join(f"{part}={source}" for part, source in sources.items())

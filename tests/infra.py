"""Kafka and a MongoDB-wire store for the test suite, from the first source available.

1. ``TSUNAGU_TEST_KAFKA_BOOTSTRAP_SERVERS`` / ``TSUNAGU_TEST_MONGO_URL`` (either alone is fine);
   a Kafka that requires SASL also needs ``TSUNAGU_TEST_KAFKA_SASL_USERNAME`` and
   ``TSUNAGU_TEST_KAFKA_SASL_PASSWORD`` (a super user: the ACL tests create principals and
   ACLs), and optionally ``TSUNAGU_TEST_KAFKA_SECURITY_PROTOCOL``, ``…_SASL_MECHANISM``
   (default SCRAM-SHA-512) and ``…_SSL_CAFILE``; ``TSUNAGU_TEST_DATA_FOLDERS`` names where
   they keep their files, when this machine can read them;
2. containers, when a Docker daemon answers (Kafka without authentication there);
3. otherwise the local stack on test ports, with a fresh data folder, stopped at the end: SASL/SCRAM
   with ACLs, the suite logging in as the stack's admin.

Test helpers that only know a bootstrap address find its login with ``kafka_login_for``.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import ExitStack, asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from rich.console import Console

from tsunagu.messaging.login import KafkaLogin
from tsunagu.store import make_client
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
from tsunagu_ops.localstack.kafka_credentials import login as admin_login
from tsunagu_ops.localstack.ports import free_port
from tsunagu_ops.localstack.probes import Probe, kafka_probe

KAFKA_ENV = "TSUNAGU_TEST_KAFKA_BOOTSTRAP_SERVERS"
KAFKA_LOGIN_ENV = "TSUNAGU_TEST_KAFKA_"  # + SASL_USERNAME, SASL_PASSWORD, SECURITY_PROTOCOL, …
MONGO_ENV = "TSUNAGU_TEST_MONGO_URL"
DATA_FOLDERS_ENV = "TSUNAGU_TEST_DATA_FOLDERS"
"""Where Kafka and the store given by URL keep their files (paths joined by `os.pathsep`), so
tests can read them raw; the local stack's are known without it."""
KAFKA_IMAGE = "apache/kafka:4.1.1"
MONGO_IMAGE = "mongo:7.0"


@dataclass(frozen=True)
class Endpoints:
    """Where the tests find Kafka and the store, and how they were obtained."""

    kafka_bootstrap_servers: str
    mongo_url: str
    mode: str
    kafka_login: KafkaLogin
    data_folders: tuple[Path, ...] = ()
    """The folders holding Kafka's and the store's files, where this machine can read them."""

    @property
    def kafka_secured(self) -> bool:
        """Whether Kafka authenticates clients (and so may authorize them)."""
        return self.kafka_login.uses_sasl


_LOGINS: dict[str, KafkaLogin] = {}


def register_kafka_login(login: KafkaLogin) -> KafkaLogin:
    """Remember the login the suite uses for a bootstrap address; return it."""
    _LOGINS[login.bootstrap_servers] = login
    return login


def kafka_login_for(bootstrap: str) -> KafkaLogin:
    """The suite's login to the Kafka at `bootstrap` (no credentials if none was registered)."""
    return _LOGINS.get(bootstrap) or KafkaLogin(bootstrap)


def kafka_options(bootstrap: str) -> dict[str, Any]:
    """Keyword arguments for an aiokafka client of the Kafka at `bootstrap`, as the suite."""
    return kafka_login_for(bootstrap).client_options()


def env_login(bootstrap: str, env: Mapping[str, str]) -> KafkaLogin:
    """The login that the ``TSUNAGU_TEST_KAFKA_*`` variables describe."""

    def setting(name: str) -> str | None:
        return env.get(KAFKA_LOGIN_ENV + name) or None

    return KafkaLogin(
        bootstrap_servers=bootstrap,
        username=setting("SASL_USERNAME"),
        password=setting("SASL_PASSWORD"),
        mechanism=setting("SASL_MECHANISM") or "SCRAM-SHA-512",
        security_protocol=setting("SECURITY_PROTOCOL"),
        ssl_cafile=setting("SSL_CAFILE"),
    )


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
        _wait_for(kafka_probe(KafkaLogin(bootstrap)), 120.0, "Kafka container")
        yield bootstrap


@contextmanager
def mongo_container() -> Iterator[str]:
    """Run a MongoDB container; yield its connection URL."""
    from testcontainers.mongodb import MongoDbContainer

    with MongoDbContainer(MONGO_IMAGE) as container:
        yield container.get_connection_url()


@contextmanager
def local_stack(*, kafka: bool, store: bool) -> Iterator[tuple[KafkaLogin, str, Path]]:
    """Run Kafka and/or the store from the local stack on test ports, on fresh data; yield the
    admin login, the store's URL and the stack's data folder."""
    layout = layout_for_tests()
    console = Console(stderr=True)
    down(layout, console)
    wipe(layout)
    parts = [store_part(layout, console)] if store else []
    parts += [kafka_part(layout, console)] if kafka else []
    try:
        handles = launch(layout, parts, console)
        yield admin_login(layout), layout.mongo_url, layout.root
        stop_all(list(reversed(handles)), {KAFKA: 30.0})
    finally:
        down(layout, console)


@contextmanager
def provide_endpoints(environ: Mapping[str, str] | None = None) -> Iterator[Endpoints]:
    """Yield test endpoints from the environment, containers or the local stack."""
    env = os.environ if environ is None else environ
    kafka, mongo = env.get(KAFKA_ENV) or "", env.get(MONGO_ENV) or ""
    login = env_login(kafka, env) if kafka else None
    sources = {"kafka": "env" if kafka else "", "store": "env" if mongo else ""}
    folders = [Path(f) for f in (env.get(DATA_FOLDERS_ENV) or "").split(os.pathsep) if f]
    with ExitStack() as stack:
        if not (kafka and mongo) and docker_available():
            login = login or KafkaLogin(stack.enter_context(kafka_container()))
            mongo = mongo or stack.enter_context(mongo_container())
            sources = {part: source or "containers" for part, source in sources.items()}
        elif not (kafka and mongo):
            wanted = local_stack(kafka=not kafka, store=not mongo)
            local_login, local_mongo, local_folder = stack.enter_context(wanted)
            login, mongo = login or local_login, mongo or local_mongo
            folders.append(local_folder)
            sources = {part: source or "localstack" for part, source in sources.items()}
        assert login is not None
        register_kafka_login(login)
        yield Endpoints(login.bootstrap_servers, mongo, _mode(sources), login, tuple(folders))


def _mode(sources: dict[str, str]) -> str:
    """Describe where the endpoints come from: one word, or one per part if they differ."""
    if len(set(sources.values())) == 1:
        return sources["kafka"]
    return ",".join(f"{part}={source}" for part, source in sources.items())


@asynccontextmanager
async def scratch_database(mongo_url: str, prefix: str) -> AsyncIterator[AsyncDatabase[Any]]:
    """A fresh database of the test store (named `prefix` and a random tail), dropped after."""
    client: AsyncMongoClient[Any] = make_client(mongo_url)
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    try:
        yield client[name]
    finally:
        await client.drop_database(name)
        await client.close()

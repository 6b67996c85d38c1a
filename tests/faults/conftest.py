"""A Kafka, a store and the four services of the fault tests' own, that the tests may kill."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from rich.console import Console

from services.directory import register_first_client
from tests.access import DirectoryTokens, PrincipalAuth
from tests.infra import register_kafka_login
from tsunagu_ops.kafka_access.principals import service_principal
from tsunagu_ops.localstack import (
    KAFKA,
    STORE,
    StackLayout,
    default_home,
    kafka_part,
    kill,
    launch,
    stop_all,
    store_part,
)
from tsunagu_ops.localstack.kafka_credentials import login as admin_login
from tsunagu_ops.localstack.kafka_credentials import service_login_env
from tsunagu_ops.localstack.parts import Part
from tsunagu_ops.localstack.ports import free_port
from tsunagu_ops.localstack.processes import ProcessHandle, handle_alive
from tsunagu_ops.localstack.services import SERVICES, service_env, start_service, wait_service_ready

KAFKA_PORT, CONTROLLER_PORT, STORE_PORT = 29192, 29193, 27118
# Quick retries and relay polls, so that recovery after a fault is measured in seconds.
FAST_RECOVERY = {"CONSUMER_BACKOFF_SECONDS": "0.1", "RELAY_POLL_SECONDS": "0.2"}


@dataclass
class FaultStack:
    """Kafka, the store and the services as processes, each of which can be killed and restarted."""

    layout: StackLayout
    run_id: str
    logs: Path
    console: Console = field(default_factory=lambda: Console(stderr=True))
    infrastructure: dict[str, ProcessHandle] = field(default_factory=dict)
    services: dict[str, ProcessHandle] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)
    envs: dict[str, dict[str, str]] = field(default_factory=dict)
    tokens: DirectoryTokens | None = None

    def client(self) -> httpx.AsyncClient:
        """An HTTP client acting as the coordinator, or as whom a request names (tokens)."""
        assert self.tokens is not None, "the directory has not started"
        return httpx.AsyncClient(timeout=10, auth=PrincipalAuth(self.tokens, "coordinator"))

    @property
    def bootstrap(self) -> str:
        """Kafka bootstrap address."""
        return self.layout.kafka_bootstrap_servers

    def group(self, service: str) -> str:
        """The consumer group of a service."""
        return f"{service_principal(service)}-faults-{self.run_id}"  # its principal may read it

    def _part(self, name: str) -> Part:
        parts = {KAFKA: kafka_part, STORE: store_part}
        return parts[name](self.layout, self.console)

    def start_infrastructure(self, name: str) -> None:
        """Start Kafka or the store on this stack's data folder and wait until it answers."""
        (handle,) = launch(self.layout, [self._part(name)], self.console)
        self.infrastructure[name] = handle

    def start_service(self, name: str, *, wait: bool = True) -> None:
        """Start (or restart, on the same port, database and group) one service."""
        if name not in self.envs:
            port = free_port()
            spec = next(s for s in SERVICES if s.name == name)
            url = spec.base_url(port)
            env = service_env(
                name,
                kafka_bootstrap_servers=self.bootstrap,
                mongo_url=self.layout.mongo_url,
                port=port,
                database=f"faults_{name}_{self.run_id}",
                issuer=self.urls.get("directory", url),  # the directory starts first
                issuer_keys=self.layout.root / "issuer-keys",
            )
            env.update(service_login_env(self.layout, name))  # its own principal and ACLs
            if name == "directory":
                self.tokens = _coordinator_tokens(url, self.layout.mongo_url, env)
            env[f"{spec.env_prefix}CONSUMER_GROUP"] = self.group(name)
            env.update({f"{spec.env_prefix}{k}": v for k, v in FAST_RECOVERY.items()})
            self.envs[name], self.urls[name] = env, spec.base_url(port)
        handle = start_service(name, self.envs[name], self.logs / f"{name}.log")
        self.services[name] = handle
        if wait:
            self.wait_ready(name)

    def wait_ready(self, name: str) -> None:
        """Wait until a service answers `/readyz`."""
        wait_service_ready(self.services[name], self.urls[name], timeout=90)

    def crash(self, name: str) -> None:
        """Kill -9 a service, Kafka or the store, as a power cut would."""
        handle = self.services.get(name) or self.infrastructure[name]
        kill(handle)

    def restart(self, name: str) -> None:
        """Start again what `crash` killed, on the same data."""
        if name in self.services:
            self.start_service(name)
        else:
            self.start_infrastructure(name)

    async def crash_and_restart(self, name: str, *, down_seconds: float = 1.0) -> None:
        """Kill a part, leave it down a moment, start it again (without blocking the loop)."""
        await asyncio.to_thread(self.crash, name)
        await asyncio.sleep(down_seconds)
        await asyncio.to_thread(self.restart, name)

    def stop_all(self) -> None:
        """Stop the services, then Kafka and the store; fail naming any that survived."""
        handles = [*self.services.values(), *reversed(self.infrastructure.values())]
        stop_all(handles, {KAFKA: 30.0}, default=20.0)
        alive = [h.name for h in handles if handle_alive(h)]
        assert not alive, f"survived their stop: {alive}"


def _coordinator_tokens(url: str, mongo_url: str, env: dict[str, str]) -> DirectoryTokens:
    """Register the stack's first coordinator in the directory's store; tokens through it."""
    database = env["TSUNAGU_DIRECTORY_DATABASE"]
    new = asyncio.run(register_first_client(mongo_url=mongo_url, database=database))
    assert new.client_secret is not None
    return DirectoryTokens(url, (new.client.client_id, new.client_secret))


@pytest.fixture(scope="package")
def fault_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FaultStack]:
    """Kafka and the store on their own ports and data folder, and the four services on them."""
    root = tmp_path_factory.mktemp("fault-stack")
    layout = StackLayout(
        home=default_home(),
        root=root,
        kafka_port=KAFKA_PORT,
        controller_port=CONTROLLER_PORT,
        store_port=STORE_PORT,
    )
    stack = FaultStack(layout=layout, run_id=uuid.uuid4().hex[:8], logs=root / "logs")
    register_kafka_login(admin_login(layout))  # the tests' own clients log in as the admin
    try:
        stack.start_infrastructure(STORE)
        stack.start_infrastructure(KAFKA)
        for spec in SERVICES:
            stack.start_service(spec.name, wait=False)
        for spec in SERVICES:
            stack.wait_ready(spec.name)
        yield stack
    finally:
        stack.stop_all()

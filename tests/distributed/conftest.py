"""The distributed shape of the local stack, as `tsunagu up --brokers 3 --replicas 2` runs it:
three Kafka nodes, two replicas of each service behind their fronts, parts the tests may kill.

Its ports (32001-32297, 32218) lie between those the suite hands out (20000-31999) and the
kernel's ephemeral range, so no other server of the suite and no outgoing connection has them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest
from rich.console import Console

from tests.access import DirectoryTokens, PrincipalAuth
from tests.infra import register_kafka_login
from tsunagu_ops.access import ClientCredential
from tsunagu_ops.kafka_access.principals import service_principal
from tsunagu_ops.localstack import StackLayout, default_home, down, kill, launch, up
from tsunagu_ops.localstack.kafka_credentials import login as admin_login
from tsunagu_ops.localstack.parts import Part
from tsunagu_ops.localstack.pidfiles import live_record
from tsunagu_ops.localstack.service_parts import replica_port, service_port
from tsunagu_ops.localstack.services import SERVICES, service_spec
from tsunagu_ops.localstack.stack import all_parts

KAFKA_PORT, CONTROLLER_PORT, STORE_PORT = 32292, 32293, 32218
SERVICE_PORT_OFFSET = 24_000  # fronts on 32001-32004, replicas on 321xx and 322xx
# Quick retries, relay polls and checkpoints, so that recovery is measured in seconds.
FAST = {"CONSUMER_BACKOFF_SECONDS": "0.1", "RELAY_POLL_SECONDS": "0.2"}
EMERGENCY_DEADLINE_SECONDS = 2


def _settings() -> dict[str, str]:
    settings = {f"{spec.env_prefix}{k}": v for spec in SERVICES for k, v in FAST.items()}
    return settings | {
        "TSUNAGU_AUDIT_CHECKPOINT_SECONDS": "1",
        # Emergencies overdue in seconds, scanned for by both replicas (the load is routine).
        "TSUNAGU_REFERRALS_SLA_EMERGENCY_SECONDS": str(EMERGENCY_DEADLINE_SECONDS),
        "TSUNAGU_REFERRALS_SLA_SCAN_SECONDS": "0.5",
    }


@dataclass
class DistributedStack:
    """The running cluster: the services' fronts, each replica, and the parts to kill."""

    layout: StackLayout
    tokens: DirectoryTokens
    console: Console = field(default_factory=lambda: Console(stderr=True))

    @property
    def urls(self) -> dict[str, str]:
        """Each service's front, the one address clients use."""
        return {s.name: s.base_url(service_port(self.layout, s.name)) for s in SERVICES}

    @property
    def bootstrap(self) -> str:
        """Kafka bootstrap addresses (every node)."""
        return self.layout.kafka_bootstrap_servers

    def replica_url(self, service: str, replica: int) -> str:
        """The address of one replica of a service, bypassing its front."""
        return service_spec(service).base_url(replica_port(self.layout, service, replica))

    def group(self, service: str) -> str:
        """The consumer group of a service (all its replicas')."""
        return service_principal(service)

    def client(self) -> httpx.AsyncClient:
        """An HTTP client acting as the coordinator, or as whom a request names."""
        return httpx.AsyncClient(timeout=10, auth=PrincipalAuth(self.tokens, "coordinator"))

    def _part(self, name: str) -> Part:
        return next(p for p in all_parts(self.layout, self.console) if p.name == name)

    def crash(self, name: str) -> None:
        """Kill -9 one part (a Kafka node, a replica), as a power cut would."""
        record = live_record(self.layout.run, name)
        assert record is not None, f"{name} is not running"
        kill(record.handle())

    def restart(self, *names: str) -> None:
        """Start killed parts again on their data, and wait until they are ready."""
        launch(self.layout, [self._part(name) for name in names], self.console)


@pytest.fixture(scope="package")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DistributedStack]:
    """Three Kafka nodes, the store, and two replicas of each service behind their fronts."""
    layout = StackLayout(
        home=default_home(),
        root=tmp_path_factory.mktemp("distributed"),
        kafka_port=KAFKA_PORT,
        controller_port=CONTROLLER_PORT,
        store_port=STORE_PORT,
        service_port_offset=SERVICE_PORT_OFFSET,
        service_settings=_settings(),
        brokers=3,
        replicas=2,
    )
    console = Console(stderr=True)
    register_kafka_login(admin_login(layout))  # the tests' own clients log in as the admin
    try:
        up(layout, console)
        credential = ClientCredential.load(layout.coordinator_credential)
        coordinator = (credential.client_id, credential.client_secret)
        tokens = DirectoryTokens(credential.token_url.removesuffix("/oauth/token"), coordinator)
        yield DistributedStack(layout, tokens, console)
    finally:
        down(layout, console)

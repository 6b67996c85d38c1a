"""The services as parts of the local stack: one process each, or replicas behind a front.

With one replica a service listens on its own port (8001-8004). With several, replica k
listens on that port + 100 × k (8102, 8202 for referrals) and a front on the service's own
port hands each connection to the next replica in turn, so clients keep one address. The
replicas share the service's database and consumer group.
"""

from __future__ import annotations

import sys
from dataclasses import replace

from tsunagu_ops.localstack.kafka_credentials import service_login_env
from tsunagu_ops.localstack.layout import REPLICA_PORT_STEP, StackLayout, repo_root
from tsunagu_ops.localstack.parts import Part
from tsunagu_ops.localstack.probes import http_probe
from tsunagu_ops.localstack.processes import ProcessHandle, spawn
from tsunagu_ops.localstack.services import SERVICES, service_env, service_spec, start_service

FRONT_MODULE = "tsunagu_ops.front"
FRONT_SUFFIX = "-front"


def service_port(layout: StackLayout, name: str) -> int:
    """The port clients reach service `name` on (its front, with several replicas)."""
    return service_spec(name).port + layout.service_port_offset


def replica_port(layout: StackLayout, name: str, replica: int | None) -> int:
    """The port replica `replica` of service `name` listens on (None: the only one)."""
    return service_port(layout, name) + (REPLICA_PORT_STEP * replica if replica else 0)


def directory_url(layout: StackLayout) -> str:
    """The directory's URL: the issuer every service of this stack trusts."""
    return service_spec("directory").base_url(service_port(layout, "directory"))


def service_part(layout: StackLayout, name: str, replica: int | None = None) -> Part:
    """Return the part running service `name` (replica `replica` of it, when one is given)."""
    spec = service_spec(name)
    port = replica_port(layout, name, replica)
    part_name = f"{name}-{replica}" if replica else name
    env = {
        **layout.service_settings,
        **service_env(
            name,
            kafka_bootstrap_servers=layout.kafka_bootstrap_servers,
            mongo_url=layout.mongo_url,
            port=port,
            issuer=directory_url(layout),
            issuer_keys=layout.issuer_keys,
        ),
    }
    # The keys sealing webhook secrets and people's data live with this instance's data.
    if name == "notifications":
        env[f"{spec.env_prefix}WEBHOOK_SECRETS_KEY_FILE"] = str(layout.root / "keys" / "webhooks")
    if name == "referrals":
        env[f"{spec.env_prefix}SUBJECT_KEY_FILE"] = str(layout.root / "keys" / "referral-subjects")

    def start() -> ProcessHandle:
        environment = env | service_login_env(layout, name)
        handle = start_service(name, environment, layout.log_file(part_name))
        return replace(handle, name=part_name)

    base_url = spec.base_url(port)
    probe = http_probe(f"{base_url}/readyz")
    return Part(part_name, port, base_url, probe, start, timeout=90.0)


def front_part(layout: StackLayout, name: str) -> Part:
    """Return the round-robin front of service `name`'s replicas, on the service's port."""
    port = service_port(layout, name)
    part_name = f"{name}{FRONT_SUFFIX}"
    command = [sys.executable, "-m", FRONT_MODULE, "--listen", str(port)]
    for replica in range(1, layout.replicas + 1):
        command += ["--backend", str(replica_port(layout, name, replica))]

    def start() -> ProcessHandle:
        log = layout.log_file(part_name)
        return spawn(part_name, command, log_path=log, marker=FRONT_MODULE, cwd=repo_root())

    base_url = service_spec(name).base_url(port)
    return Part(part_name, port, base_url, http_probe(f"{base_url}/readyz"), start, timeout=90.0)


def service_processes(layout: StackLayout, name: str) -> list[Part]:
    """The processes running service `name`: itself, or each of its replicas."""
    if layout.replicas == 1:
        return [service_part(layout, name)]
    return [service_part(layout, name, k) for k in range(1, layout.replicas + 1)]


def service_parts(layout: StackLayout) -> list[Part]:
    """Every service's processes, and with several replicas each service's front."""
    processes = [part for spec in SERVICES for part in service_processes(layout, spec.name)]
    if layout.replicas == 1:
        return processes
    return processes + [front_part(layout, spec.name) for spec in SERVICES]

"""The four Tsunagu services as local processes."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from tsunagu.messaging.login import KafkaLogin, login_env
from tsunagu_ops.localstack.layout import HOST, repo_root
from tsunagu_ops.localstack.probes import http_probe, wait_ready
from tsunagu_ops.localstack.processes import ProcessHandle, spawn


@dataclass(frozen=True)
class ServiceSpec:
    """One service: its name (also its package under ``services``) and default port."""

    name: str
    port: int

    @property
    def module(self) -> str:
        """Python module that runs the service."""
        return f"services.{self.name}"

    @property
    def env_prefix(self) -> str:
        """Prefix of the environment variables the service reads."""
        return f"TSUNAGU_{self.name.upper()}_"

    def base_url(self, port: int | None = None) -> str:
        """Return the service's base URL on ``port`` (default: its own port)."""
        return f"http://{HOST}:{port or self.port}"


SERVICES: tuple[ServiceSpec, ...] = (
    ServiceSpec("directory", 8001),
    ServiceSpec("referrals", 8002),
    ServiceSpec("notifications", 8003),
    ServiceSpec("audit", 8004),
)


def service_spec(name: str) -> ServiceSpec:
    """Return the spec of service ``name``."""
    for spec in SERVICES:
        if spec.name == name:
            return spec
    raise KeyError(f"unknown service {name!r}; known: {', '.join(s.name for s in SERVICES)}")


def service_env(
    name: str,
    *,
    kafka_bootstrap_servers: str,
    mongo_url: str,
    port: int | None = None,
    database: str | None = None,
    kafka_login: KafkaLogin | None = None,
    issuer: str | None = None,
    issuer_keys: Path | None = None,
) -> dict[str, str]:
    """Return the environment variables that point service ``name`` at Kafka, the store and
    the token issuer (the directory's URL); the directory keeps its keys in ``issuer_keys``.

    ``kafka_login`` (for ``kafka_bootstrap_servers``) adds the credentials the service uses.
    """
    spec = service_spec(name)
    env = {
        **(login_env(kafka_login) if kafka_login else {}),
        "TSUNAGU_KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap_servers,
        "TSUNAGU_MONGO_URL": mongo_url,
        f"{spec.env_prefix}HOST": HOST,
        f"{spec.env_prefix}PORT": str(port or spec.port),
    }
    if database is not None:
        env[f"{spec.env_prefix}DATABASE"] = database
    if issuer is not None:
        env["TSUNAGU_AUTH_ISSUER"] = issuer
    if issuer_keys is not None and name == "directory":
        env["TSUNAGU_ISSUER_KEYS_DIR"] = str(issuer_keys)
    return env


def start_service(name: str, env_overrides: Mapping[str, str], log_path: Path) -> ProcessHandle:
    """Start ``python -m services.<name>`` detached, with ``env_overrides`` on top of ours."""
    spec = service_spec(name)
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **env_overrides}
    return spawn(
        name,
        [sys.executable, "-m", spec.module],
        log_path=log_path,
        marker=spec.module,
        env=env,
        cwd=repo_root(),
    )


def wait_service_ready(handle: ProcessHandle, base_url: str, timeout: float = 60.0) -> None:
    """Wait until ``GET <base_url>/readyz`` answers 200 (raises ``StartupError`` otherwise)."""
    probe = http_probe(f"{base_url}/readyz")
    wait_ready(handle, probe, timeout=timeout, what=f"service {handle.name}")


def service_urls() -> dict[str, str]:
    """Return the base URL of each service on its default port."""
    return {spec.name: spec.base_url() for spec in SERVICES}

"""The console as a part of the local stack: its own process on port 8000, reading the
services with an operator and an auditor client created for it at `tsunagu up`."""

from __future__ import annotations

import os
import sys

from rich.console import Console

from tsunagu.messaging.login import login_env
from tsunagu_ops.access import ClientCredential
from tsunagu_ops.console.credentials import credential_path, ensure_console_clients
from tsunagu_ops.console.settings import DEFAULT_PORT
from tsunagu_ops.localstack.kafka_credentials import login
from tsunagu_ops.localstack.layout import HOST, StackLayout, repo_root
from tsunagu_ops.localstack.parts import Part
from tsunagu_ops.localstack.probes import http_probe
from tsunagu_ops.localstack.processes import ProcessHandle, spawn
from tsunagu_ops.localstack.service_parts import directory_url
from tsunagu_ops.localstack.services import service_spec

CONSOLE = "console"
MODULE = "tsunagu_ops.console"


def console_url(layout: StackLayout) -> str:
    """Where the console of this stack listens (on this machine only)."""
    return f"http://{HOST}:{DEFAULT_PORT + layout.service_port_offset}"


def console_part(layout: StackLayout) -> Part:
    """Return the console's part: `python -m tsunagu_ops.console` with its settings."""
    folder = layout.coordinator_credential.parent
    port = DEFAULT_PORT + layout.service_port_offset

    def url_of(name: str) -> str:
        spec = service_spec(name)
        return spec.base_url(spec.port + layout.service_port_offset)

    env = {
        "TSUNAGU_CONSOLE_HOST": HOST,
        "TSUNAGU_CONSOLE_PORT": str(port),
        "TSUNAGU_CONSOLE_REFERRALS_URL": url_of("referrals"),
        "TSUNAGU_CONSOLE_AUDIT_URL": url_of("audit"),
        "TSUNAGU_CONSOLE_OPERATOR_CREDENTIAL": str(credential_path(folder, "operator")),
        "TSUNAGU_CONSOLE_AUDITOR_CREDENTIAL": str(credential_path(folder, "auditor")),
    }

    def start() -> ProcessHandle:
        # Kafka as the operator's tools reach it: the stack's admin login.
        full = {**os.environ, "PYTHONUNBUFFERED": "1", **env, **login_env(login(layout))}
        return spawn(
            CONSOLE,
            [sys.executable, "-m", MODULE],
            log_path=layout.log_file(CONSOLE),
            marker=MODULE,
            env=full,
            cwd=repo_root(),
        )

    url = console_url(layout)
    return Part(CONSOLE, port, url, http_probe(f"{url}/healthz"), start, timeout=60.0)


def ensure_console_credentials(layout: StackLayout, console: Console) -> None:
    """Register the console's operator and auditor clients unless they were saved."""
    folder = layout.coordinator_credential.parent
    if all(credential_path(folder, role).exists() for role in ("operator", "auditor")):
        return
    coordinator = ClientCredential.load(layout.coordinator_credential)
    ensure_console_clients(directory_url(layout), coordinator, folder)
    console.print(f"Created the console's operator and auditor credentials in {folder}")

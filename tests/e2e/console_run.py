"""The console as a process beside the services a test started, with its own clients."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.e2e.conftest import System
from tsunagu.messaging.login import login_env
from tsunagu_ops.access import ClientCredential
from tsunagu_ops.console.credentials import ensure_console_clients
from tsunagu_ops.localstack.ports import free_port
from tsunagu_ops.localstack.probes import http_probe, wait_ready
from tsunagu_ops.localstack.processes import spawn, stop

MODULE = "tsunagu_ops.console"
SERVICE_GROUPS = ("directory", "referrals", "notifications", "audit")


def coordinator_of(system: System) -> ClientCredential:
    """The coordinator credential the system's directory was started with."""
    client_id, secret = system.tokens.coordinator
    token_url = f"{system.urls['directory']}/oauth/token"
    return ClientCredential(client_id=client_id, client_secret=secret, token_url=token_url)


@contextmanager
def running_console(system: System, folder: Path) -> Iterator[str]:
    """Register the console's clients, start it on a free port; its URL until stopped."""
    paths = ensure_console_clients(system.urls["directory"], coordinator_of(system), folder)
    port = free_port()
    groups = ",".join(f"e2e-{name}-{system.run_id}" for name in SERVICE_GROUPS)
    env = {
        **os.environ,
        **login_env(system.endpoints.kafka_login),
        "PYTHONUNBUFFERED": "1",
        "TSUNAGU_CONSOLE_PORT": str(port),
        "TSUNAGU_CONSOLE_REFERRALS_URL": system.urls["referrals"],
        "TSUNAGU_CONSOLE_AUDIT_URL": system.urls["audit"],
        "TSUNAGU_CONSOLE_OPERATOR_CREDENTIAL": str(paths["operator"]),
        "TSUNAGU_CONSOLE_AUDITOR_CREDENTIAL": str(paths["auditor"]),
        "TSUNAGU_CONSOLE_CONSUMER_GROUPS": groups,
        "TSUNAGU_CONSOLE_REFRESH_SECONDS": "2",
    }
    handle = spawn(
        "console",
        [sys.executable, "-m", MODULE],
        log_path=folder / "console.log",
        marker=MODULE,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(handle, http_probe(f"{url}/healthz"), timeout=60, what="console")
        yield url
    finally:
        stop(handle)

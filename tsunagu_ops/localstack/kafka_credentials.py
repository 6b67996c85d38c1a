"""The local broker's principals and their generated passwords, kept in the data folder (0600)."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Final

from tsunagu.messaging.login import KafkaLogin, login_env
from tsunagu_ops.kafka_access.principals import service_principal
from tsunagu_ops.localstack.layout import StackLayout

ADMIN: Final = "tsunagu-admin"
"""Super user of the tooling and the test suite: provisions principals, ACLs and topics."""
BROKER: Final = "tsunagu-broker"
"""The broker's own principal on its client listener (inter-broker traffic)."""
CONTROLLER: Final = "tsunagu-controller"
"""The broker's principal towards its controller (SASL/PLAIN on the loopback listener)."""
SERVICE_NAMES: Final = ("directory", "referrals", "notifications", "audit")
SCRAM_MECHANISM: Final = "SCRAM-SHA-512"


def scram_users() -> tuple[str, ...]:
    """The SCRAM users created when the broker's storage is formatted."""
    return (ADMIN, BROKER, *(service_principal(name) for name in SERVICE_NAMES))


def credentials_path(layout: StackLayout) -> Path:
    """Where this instance keeps its Kafka passwords."""
    return layout.kafka_dir / "credentials.json"


def write_private(path: Path, text: str) -> None:
    """Write a file that holds secrets: mode 0600, in a folder only its owner can enter."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(text)
    partial.replace(path)


def passwords(layout: StackLayout) -> dict[str, str]:
    """Every principal's password, generating (and keeping) those not made yet."""
    path = credentials_path(layout)
    known: dict[str, str] = json.loads(path.read_text()) if path.is_file() else {}
    wanted = (*scram_users(), CONTROLLER)
    missing = [user for user in wanted if user not in known]
    if missing:
        known.update({user: secrets.token_urlsafe(24) for user in missing})
        write_private(path, json.dumps(known, indent=2) + "\n")
    return known


def add_password(layout: StackLayout, user: str) -> str:
    """Generate and keep a password for one more principal (e.g. an agency); return it."""
    known = passwords(layout)
    known[user] = secrets.token_urlsafe(24)
    write_private(credentials_path(layout), json.dumps(known, indent=2) + "\n")
    return known[user]


def login(layout: StackLayout, user: str = ADMIN) -> KafkaLogin:
    """A client login to this instance's broker as `user`."""
    return KafkaLogin(
        bootstrap_servers=layout.kafka_bootstrap_servers,
        username=user,
        password=passwords(layout)[user],
        mechanism=SCRAM_MECHANISM,
    )


def service_login_env(layout: StackLayout, service: str) -> dict[str, str]:
    """The environment variables that log service `service` in as its own principal."""
    return login_env(login(layout, service_principal(service)))

"""``tsunagu kafka provision|grant-agency``: principals, topics and ACLs of a Kafka cluster."""

from __future__ import annotations

import asyncio
import json
import secrets
from typing import Annotated

import typer
from rich.console import Console

from tsunagu_ops.kafka_access import grant_agency, provision_services
from tsunagu_ops.kafka_access.operator import operator_login
from tsunagu_ops.kafka_access.principals import agency_principal
from tsunagu_ops.localstack.kafka_credentials import add_password
from tsunagu_ops.localstack.layout import default_layout
from tsunagu_schemas.topics import agency_topic

console = Console(stderr=True)

Bootstrap = Annotated[
    str | None,
    typer.Option(
        "--bootstrap-servers",
        envvar="TSUNAGU_KAFKA_BOOTSTRAP_SERVERS",
        help="Kafka bootstrap address (credentials: TSUNAGU_KAFKA_SASL_*, else the local stack's).",
    ),
]


def register(app: typer.Typer) -> None:
    """Add the ``kafka`` command group to ``app``."""
    group = typer.Typer(help="Kafka principals, topics and ACLs.", no_args_is_help=True)
    group.command("provision")(provision_command)
    group.command("grant-agency")(grant_agency_command)
    app.add_typer(group, name="kafka")


def provision_command(bootstrap_servers: Bootstrap = None) -> None:
    """Create the event and dead-letter topics and every service's ACLs (idempotent)."""
    count = asyncio.run(provision_services(operator_login(bootstrap_servers)))
    console.print(f"{count} ACLs in place for the four services")


def grant_agency_command(
    agency_id: Annotated[str, typer.Argument(help="The agency's id in the directory.")],
    bootstrap_servers: Bootstrap = None,
) -> None:
    """Create (or reset) an agency's Kafka user, reading only its topic; print its login."""
    login = operator_login(bootstrap_servers)
    local = default_layout()
    keep_locally = login.bootstrap_servers == local.kafka_bootstrap_servers
    user = agency_principal(agency_id)
    password = add_password(local, user) if keep_locally else secrets.token_urlsafe(24)
    asyncio.run(grant_agency(login, agency_id, password))
    login_info = {
        "bootstrap_servers": login.bootstrap_servers,
        "security_protocol": login.protocol,
        "sasl_mechanism": "SCRAM-SHA-512",
        "username": user,
        "password": password,
        "topic": agency_topic(agency_id),
        "consumer_groups": f"{user}.<name>",
    }
    typer.echo(json.dumps(login_info, indent=2))

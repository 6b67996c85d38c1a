"""The Kafka login of the operator's tools (dead letters, benchmark, provisioning)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from tsunagu.messaging.login import KafkaLogin, kafka_login
from tsunagu.settings import ServiceSettings
from tsunagu_ops.localstack.kafka_credentials import credentials_path, login
from tsunagu_ops.localstack.layout import default_layout


def operator_login(bootstrap_servers: str | None = None) -> KafkaLogin:
    """`TSUNAGU_KAFKA_*` when they name a user, else the local stack's admin, else no login."""
    settings = ServiceSettings()
    bootstrap = bootstrap_servers or settings.kafka_bootstrap_servers
    if settings.kafka_sasl_username:
        return replace(kafka_login(settings), bootstrap_servers=bootstrap)
    layout = default_layout()
    if credentials_path(layout).is_file():
        return replace(login(layout), bootstrap_servers=bootstrap)
    return KafkaLogin(bootstrap)


def operator_options(bootstrap_servers: str) -> dict[str, Any]:
    """Keyword arguments for an aiokafka client of the operator's tools."""
    return operator_login(bootstrap_servers).client_options()

"""The FastStream Kafka broker every service uses: idempotent producer, acks from all replicas,
FastStream's own Prometheus metrics of what it consumes and publishes."""

from __future__ import annotations

import logging

from faststream.kafka import KafkaBroker
from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from prometheus_client import REGISTRY

from tsunagu.settings import ServiceSettings

from .log_context import EventLogContext
from .login import kafka_login


def make_broker(settings: ServiceSettings, *, service: str) -> KafkaBroker:
    """Build (not start) the service's broker."""
    login = kafka_login(settings)
    return KafkaBroker(
        login.servers,  # FastStream takes a list; a comma-separated string would be one host
        security=login.broker_security(),
        client_id=f"tsunagu-{service}",
        enable_idempotence=True,
        acks="all",
        linger_ms=2,
        logger=logging.getLogger("tsunagu.kafka"),
        log_level=logging.DEBUG,
        graceful_timeout=10.0,
        middlewares=[
            EventLogContext,
            KafkaPrometheusMiddleware(registry=REGISTRY, app_name=f"tsunagu-{service}"),
        ],
    )

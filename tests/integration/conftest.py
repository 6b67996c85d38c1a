"""Fixtures for integration tests: services run in-process against the real Kafka and store."""

from __future__ import annotations

import uuid

import pytest

from tests.access import TestIssuer
from tests.infra import Endpoints
from tests.integration.harness import ServiceEnv


@pytest.fixture
def service_env(endpoints: Endpoints, test_issuer: TestIssuer) -> ServiceEnv:
    """Settings values that isolate one test: its own databases and consumer groups."""
    return ServiceEnv(
        kafka_bootstrap_servers=endpoints.kafka_bootstrap_servers,
        mongo_url=endpoints.mongo_url,
        run_id=uuid.uuid4().hex[:10],
        auth_issuer=test_issuer.url,
    )

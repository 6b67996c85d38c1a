"""The audit service running in-process against the real Kafka and store."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from services.audit.main import create_app
from services.audit.settings import AuditSettings
from tests.access import PrincipalAuth, TestIssuer
from tests.integration.audit.sample_events import AuditService
from tests.integration.harness import ServiceEnv, running
from tests.integration.kafka_positions import end_offsets
from tsunagu_schemas.topics import EVENT_TOPICS


async def start_group_at_the_end(settings: AuditSettings) -> None:
    """Commit the group's offsets at the end of every event topic.

    The topics are shared by the whole suite; replaying their history in every test would make
    the tests slower with every test that ran before. Each test's log starts with its events.
    """
    await end_offsets(
        settings.kafka_bootstrap_servers, EVENT_TOPICS, group_id=settings.consumer_group
    )


@pytest.fixture
async def audit_settings(service_env: ServiceEnv, tmp_path: Path) -> AuditSettings:
    """Settings isolating this test's audit log and key; small batches exercise the paging."""
    settings = AuditSettings(
        **service_env.settings_kwargs("audit"),
        scan_batch_size=7,
        signing_key_file=tmp_path / "log-key.pem",
        checkpoint_seconds=0.3,
    )
    await start_group_at_the_end(settings)
    return settings


@pytest.fixture
async def audit(
    audit_settings: AuditSettings, test_issuer: TestIssuer
) -> AsyncIterator[AuditService]:
    """The audit service, running for one test, called by an auditor."""
    auth = PrincipalAuth(test_issuer, default="auditor")
    async with running(create_app(audit_settings), auth) as http:
        yield AuditService(http=http, settings=audit_settings)

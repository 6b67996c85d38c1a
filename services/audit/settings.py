"""Settings of the audit service (`TSUNAGU_AUDIT_*`)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from tsunagu.settings import ServiceSettings


class AuditSettings(ServiceSettings):
    """Where the audit service listens and keeps its log, and how it reads the chain."""

    model_config = SettingsConfigDict(env_prefix="TSUNAGU_AUDIT_")

    port: int = 8004
    database: str = "tsunagu_audit"
    consumer_group: str = "tsunagu-audit"
    consume_batch_size: int = Field(
        default=500, ge=1, le=10_000, description="Events read from Kafka and stored at once."
    )
    consume_wait_ms: int = Field(
        default=20, ge=0, le=5_000, description="How long to wait for a batch to fill."
    )
    topic_namespace: str = Field(
        default="",
        description="Prefix of the event topics read, for a separate deployment on one cluster.",
    )
    scan_batch_size: int = Field(
        default=500, ge=1, le=10_000, description="Records read per batch to verify or export."
    )

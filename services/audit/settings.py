"""Settings of the audit service (`TSUNAGU_AUDIT_*`)."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from tsunagu.settings import ServiceSettings

from .domain import DEFAULT_ORIGIN

DEVELOPMENT: Final = "development"
DEVELOPMENT_KEY_FILE: Final = Path(".tsunagu/audit/log-signing-key.pem")


class AuditSettings(ServiceSettings):
    """Where the audit service listens and keeps its log, how it reads it and signs its tree."""

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
    origin: str = Field(
        default=DEFAULT_ORIGIN,
        pattern=r"^[^\s+]+$",
        description="The checkpoints' origin line, also the log key's name.",
    )
    signing_key_file: Path | None = Field(
        default=None,
        description="PEM file of the log's Ed25519 key (0600). Required outside development; "
        f"in development it defaults to {DEVELOPMENT_KEY_FILE}, created on first start.",
    )
    checkpoint_seconds: float = Field(
        default=2.0, gt=0, le=3600, description="How often a checkpoint is issued while it grows."
    )
    witness_keys: str = Field(
        default="",
        description="Verifier keys (vkeys) of the witnesses whose cosignatures are accepted, "
        "separated by spaces.",
    )

    @model_validator(mode="after")
    def _refuse_a_generated_key_elsewhere(self) -> AuditSettings:
        """Outside development the log's signing key must be given explicitly."""
        if self.environment != DEVELOPMENT and self.signing_key_file is None:
            raise ValueError("TSUNAGU_AUDIT_SIGNING_KEY_FILE must be set outside development")
        return self

    def key_file(self) -> Path:
        """The signing key's file."""
        return self.signing_key_file or DEVELOPMENT_KEY_FILE

    def creates_key(self) -> bool:
        """Whether a missing key file may be created (development only)."""
        return self.environment == DEVELOPMENT

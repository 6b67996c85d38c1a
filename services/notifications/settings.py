"""Settings of the notifications service (`TSUNAGU_NOTIFICATIONS_*`)."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from tsunagu.settings import ServiceSettings
from tsunagu.webhook_targets import DEVELOPMENT, AllowedHosts, TargetPolicy

DEVELOPMENT_KEY_FILE: Final = Path(".tsunagu/keys/webhook-secrets.key")


class NotificationsSettings(ServiceSettings):
    """Where notifications listens, how it keeps webhook secrets and how it retries deliveries."""

    model_config = SettingsConfigDict(env_prefix="TSUNAGU_NOTIFICATIONS_")

    port: int = 8003
    database: str = "tsunagu_notifications"
    consumer_group: str = "tsunagu-notifications"
    consume_batch_size: int = Field(
        default=500, ge=1, le=10_000, description="Events read from Kafka and notified at once."
    )
    consume_wait_ms: int = Field(
        default=20, ge=0, le=5_000, description="How long to wait for a batch to fill."
    )
    webhook_secrets_key: SecretStr | None = Field(
        default=None,
        description="Base64 of the 32-byte AES-GCM key that encrypts agencies' webhook secrets.",
    )
    webhook_secrets_key_file: Path | None = Field(
        default=None,
        description="Or a file holding that key (created 0600 if missing, in development only).",
    )
    webhook_secret_grace_seconds: float = Field(
        default=86400.0, ge=0, description="How long a replaced webhook secret still signs."
    )
    webhook_allowed_hosts: AllowedHosts = Field(
        default=frozenset(),
        validation_alias="TSUNAGU_WEBHOOK_ALLOWED_HOSTS",
        description="Host names exempt from the https and public-address checks (test receivers).",
    )
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)
    mail_spool_dir: Path = Field(
        default=Path(".tsunagu/mail-spool"),
        description="Folder where e-mails are written as .eml files (a spool; no SMTP yet).",
    )
    mail_from: str = "notifications@tsunagu.invalid"
    delivery_max_attempts: int = Field(default=8, ge=1)
    delivery_backoff_seconds: float = Field(default=2.0, gt=0, description="First retry delay.")
    delivery_backoff_max_seconds: float = Field(default=900.0, gt=0)
    delivery_lease_seconds: float = Field(default=60.0, gt=0)
    delivery_poll_seconds: float = Field(default=1.0, gt=0)
    delivery_concurrency: int = Field(default=8, ge=1)
    coordinator_agency_id: str | None = Field(
        default=None,
        description="Id of the agency escalations go to; the coordinator role reads its inbox "
        "(and may rotate any agency's webhook secret).",
    )

    @model_validator(mode="after")
    def _refuse_implicit_key_elsewhere(self) -> NotificationsSettings:
        """Outside development the key encrypting webhook secrets must be configured."""
        if self.environment != DEVELOPMENT and not (
            self.webhook_secrets_key or self.webhook_secrets_key_file
        ):
            raise ValueError(
                "set TSUNAGU_NOTIFICATIONS_WEBHOOK_SECRETS_KEY or "
                "TSUNAGU_NOTIFICATIONS_WEBHOOK_SECRETS_KEY_FILE outside development"
            )
        return self

    def key_file(self) -> Path:
        """The key file to read (the development default when none is configured)."""
        return self.webhook_secrets_key_file or DEVELOPMENT_KEY_FILE

    def target_policy(self) -> TargetPolicy:
        """Where this environment lets webhooks be sent."""
        return TargetPolicy(environment=self.environment, allowed_hosts=self.webhook_allowed_hosts)

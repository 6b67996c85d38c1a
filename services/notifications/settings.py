"""Settings of the notifications service (`TSUNAGU_NOTIFICATIONS_*`)."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from tsunagu.settings import ServiceSettings

DEVELOPMENT_SIGNING_KEY: Final = "development-only-webhook-signing-key"


class NotificationsSettings(ServiceSettings):
    """Where notifications listens, how it signs webhooks and how it retries deliveries."""

    model_config = SettingsConfigDict(env_prefix="TSUNAGU_NOTIFICATIONS_")

    port: int = 8003
    database: str = "tsunagu_notifications"
    consumer_group: str = "tsunagu-notifications"
    webhook_signing_key: str = Field(
        default=DEVELOPMENT_SIGNING_KEY,
        min_length=16,
        description="Key from which each agency's webhook secret is derived.",
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
        description="Id of the agency escalations go to; the coordinator role reads its inbox.",
    )

    @model_validator(mode="after")
    def _refuse_development_key_elsewhere(self) -> NotificationsSettings:
        """Outside development the webhook signing key must be a real secret."""
        if self.environment != "development" and (
            self.webhook_signing_key == DEVELOPMENT_SIGNING_KEY
        ):
            raise ValueError(
                "TSUNAGU_NOTIFICATIONS_WEBHOOK_SIGNING_KEY must be set outside development"
            )
        return self

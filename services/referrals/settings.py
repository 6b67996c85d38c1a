"""Settings of the referrals service (`TSUNAGU_REFERRALS_*`)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Final

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from tsunagu.settings import ServiceSettings
from tsunagu.webhook_targets import DEVELOPMENT

from .domain import DEFAULT_RETENTION, SlaPolicy
from .domain.stats import DEFAULT_MIN_COUNT

DEVELOPMENT_SUBJECT_KEY_FILE: Final = Path(".tsunagu/keys/referral-subjects.key")


class ReferralsSettings(ServiceSettings):
    """Where the referrals service listens, stores and consumes, and its acceptance deadlines."""

    model_config = SettingsConfigDict(env_prefix="TSUNAGU_REFERRALS_")

    port: int = 8002
    database: str = "tsunagu_referrals"
    consumer_group: str = "tsunagu-referrals"
    broker_ping_seconds: float = Field(default=3.0, gt=0, description="Kafka readiness timeout.")
    sla_emergency_seconds: float = Field(default=3600, gt=0, description="Emergency: 1 hour.")
    sla_urgent_seconds: float = Field(default=86400, gt=0, description="Urgent: 1 day.")
    sla_routine_seconds: float = Field(default=259200, gt=0, description="Routine: 3 days.")
    sla_scan_seconds: float = Field(
        default=30.0, gt=0, description="How often the service looks for overdue legs."
    )
    coordinator_agency_id: str | None = Field(
        default=None,
        description="Id of the agency overdue legs are escalated to (the city office); never "
        "looked up by name.",
    )
    stats_min_count: int = Field(
        default=DEFAULT_MIN_COUNT,
        ge=1,
        description="The smallest count network statistics show; smaller ones are withheld, "
        "and so are rates and medians over fewer cases, so no person can be singled out.",
    )
    retention_days: float = Field(
        default=DEFAULT_RETENTION.days,
        gt=0,
        description="Days the person's data of a closed or cancelled referral is kept before "
        "the retention sweep erases it (3 years: see docs/design.md).",
    )
    retention_scan_seconds: float = Field(
        default=3600.0, gt=0, description="How often the service sweeps for expired data."
    )

    subject_key: SecretStr | None = Field(
        default=None,
        description="Base64 of the 32-byte AES-GCM key that wraps each referral's data key "
        "(the person's data is sealed with that data key).",
    )
    subject_key_file: Path | None = Field(
        default=None,
        description="Or a file holding that key (created 0600 if missing, in development only).",
    )

    @model_validator(mode="after")
    def _refuse_implicit_key_elsewhere(self) -> ReferralsSettings:
        """Outside development the key protecting people's data must be configured."""
        if self.environment != DEVELOPMENT and not (self.subject_key or self.subject_key_file):
            raise ValueError(
                "set TSUNAGU_REFERRALS_SUBJECT_KEY or TSUNAGU_REFERRALS_SUBJECT_KEY_FILE "
                "outside development"
            )
        return self

    def subject_key_path(self) -> Path:
        """The key file to read (the development default when none is configured)."""
        return self.subject_key_file or DEVELOPMENT_SUBJECT_KEY_FILE

    def retention(self) -> timedelta:
        """How long the person's data of an ended referral is kept."""
        return timedelta(days=self.retention_days)

    def sla_policy(self) -> SlaPolicy:
        """The acceptance deadlines these settings describe."""
        return SlaPolicy(
            emergency=timedelta(seconds=self.sla_emergency_seconds),
            urgent=timedelta(seconds=self.sla_urgent_seconds),
            routine=timedelta(seconds=self.sla_routine_seconds),
        )

"""Settings of the referrals service (`TSUNAGU_REFERRALS_*`)."""

from __future__ import annotations

from datetime import timedelta

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from tsunagu.settings import ServiceSettings

from .domain import SlaPolicy


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

    def sla_policy(self) -> SlaPolicy:
        """The acceptance deadlines these settings describe."""
        return SlaPolicy(
            emergency=timedelta(seconds=self.sla_emergency_seconds),
            urgent=timedelta(seconds=self.sla_urgent_seconds),
            routine=timedelta(seconds=self.sla_routine_seconds),
        )

"""Settings of the referrals service (`TSUNAGU_REFERRALS_*`)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from tsunagu.settings import ServiceSettings


class ReferralsSettings(ServiceSettings):
    """Where the referrals service listens, stores and consumes."""

    model_config = SettingsConfigDict(env_prefix="TSUNAGU_REFERRALS_")

    port: int = 8002
    database: str = "tsunagu_referrals"
    consumer_group: str = "tsunagu-referrals"
    broker_ping_seconds: float = Field(default=3.0, gt=0, description="Kafka readiness timeout.")

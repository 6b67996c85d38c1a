"""The directory's settings: `TSUNAGU_DIRECTORY_*` plus the common `TSUNAGU_*` endpoints."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from tsunagu.settings import ServiceSettings
from tsunagu.webhook_targets import AllowedHosts, TargetPolicy

from .identity.settings import IssuerSettings

TAXONOMY_DIR = Path(__file__).parent / "taxonomy"


class DirectorySettings(ServiceSettings, IssuerSettings):
    """Settings of the directory service and of the issuer it hosts (`TSUNAGU_ISSUER_*`)."""

    model_config = SettingsConfigDict(env_prefix="TSUNAGU_DIRECTORY_")

    port: int = 8001
    database: str = "tsunagu_directory"
    consumer_group: str = "tsunagu-directory"
    categories_file: Path = Field(
        default=TAXONOMY_DIR / "categories.json",
        description="JSON list of {code, label_ja, label_en}: the categories of need.",
    )
    areas_file: Path = Field(
        default=TAXONOMY_DIR / "areas.json",
        description="JSON list of {code, label_ja, label_en, covers_all?}: the city's areas.",
    )
    utc_offset: str = Field(
        default="+09:00",
        pattern=r"^[+-]([01][0-9]|2[0-3]):[0-5][0-9]$",
        description="The city's offset from UTC: opening hours are local times at this offset.",
    )
    webhook_allowed_hosts: AllowedHosts = Field(
        default=frozenset(),
        validation_alias="TSUNAGU_WEBHOOK_ALLOWED_HOSTS",
        description="Host names exempt from the https and public-address checks (test receivers).",
    )

    def target_policy(self) -> TargetPolicy:
        """Which webhook URLs agencies may record in this environment."""
        return TargetPolicy(environment=self.environment, allowed_hosts=self.webhook_allowed_hosts)

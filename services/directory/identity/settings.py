"""Settings of the built-in issuer, and the check that production configures it explicitly."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from tsunagu.auth.settings import AuthSettings

from .domain import MAX_LIFETIME, TokenPolicy

PRODUCTION = "production"
TOKEN_PATH = "/oauth/token"


class IssuerSettings(BaseSettings):
    """`TSUNAGU_ISSUER_*`: where the built-in issuer keeps its keys, how long tokens live."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    issuer_enabled: bool = Field(
        default=True,
        validation_alias="TSUNAGU_ISSUER_ENABLED",
        description="Serve the built-in issuer; false when TSUNAGU_AUTH_ISSUER is another server.",
    )
    issuer_keys_dir: Path | None = Field(
        default=None,
        validation_alias="TSUNAGU_ISSUER_KEYS_DIR",
        description="Folder of the private signing keys (created 0700, files 0600).",
    )
    issuer_token_seconds: int = Field(
        default=300,
        ge=30,
        le=int(MAX_LIFETIME.total_seconds()),
        validation_alias="TSUNAGU_ISSUER_TOKEN_SECONDS",
    )


class IssuerNotConfigured(RuntimeError):
    """The issuer may not start with what it was given."""


@dataclass(frozen=True)
class IssuerConfiguration:
    """What the built-in issuer runs with, once checked."""

    policy: TokenPolicy
    keys_dir: Path
    token_endpoint: str


def issuer_configuration(
    *,
    environment: str,
    auth: AuthSettings,
    issuer: IssuerSettings,
    fallback_issuer: str,
    fallback_keys_dir: Path,
) -> IssuerConfiguration:
    """The issuer's configuration; in production, refuse unless URL and keys are explicit."""
    if environment == PRODUCTION:
        missing = [
            name
            for name, value in (
                ("TSUNAGU_AUTH_ISSUER", auth.auth_issuer),
                ("TSUNAGU_ISSUER_KEYS_DIR", issuer.issuer_keys_dir),
            )
            if value is None
        ]
        if missing:
            raise IssuerNotConfigured(f"in production set {' and '.join(missing)} explicitly")
        if urlsplit(str(auth.auth_issuer)).scheme != "https":
            raise IssuerNotConfigured("in production the issuer URL must use https")
    url = auth.auth_issuer or fallback_issuer
    lifetime = timedelta(seconds=issuer.issuer_token_seconds)
    return IssuerConfiguration(
        policy=TokenPolicy(issuer=url, audience=auth.auth_audience, lifetime=lifetime),
        keys_dir=issuer.issuer_keys_dir or fallback_keys_dir,
        token_endpoint=url.rstrip("/") + TOKEN_PATH,
    )

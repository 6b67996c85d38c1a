"""Where tokens come from and whom they are for: settings every service shares."""

from __future__ import annotations

import httpx
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from .discovery import IssuerKeys
from .verifier import TokenVerifier

DEFAULT_AUDIENCE = "tsunagu"


class AuthSettings(BaseSettings):
    """`TSUNAGU_AUTH_*`: the issuer every service trusts and the audience it expects."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    auth_issuer: str | None = Field(
        default=None,
        validation_alias="TSUNAGU_AUTH_ISSUER",
        description="Issuer URL of the OAuth server; its RFC 8414 metadata names the JWKS.",
    )
    auth_audience: str = Field(
        default=DEFAULT_AUDIENCE,
        validation_alias="TSUNAGU_AUTH_AUDIENCE",
        description="The `aud` value access tokens must carry.",
    )
    auth_leeway_seconds: int = Field(
        default=30, ge=0, le=120, validation_alias="TSUNAGU_AUTH_LEEWAY_SECONDS"
    )


def verifier_for(
    issuer: str, *, audience: str, http: httpx.AsyncClient, leeway_seconds: int = 30
) -> TokenVerifier:
    """A verifier of `issuer`'s tokens for `audience`, fetching its keys through `http`."""
    keys = IssuerKeys(issuer, http=http)
    return TokenVerifier(keys=keys, audience=audience, leeway_seconds=leeway_seconds)

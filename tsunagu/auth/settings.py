"""Where tokens come from and whom they are for: settings every service shares."""

from __future__ import annotations

import httpx
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from .discovery import IssuerKeys
from .verifier import TokenVerifier

DEFAULT_AUDIENCE = "tsunagu"
LOCAL_ISSUER = "http://127.0.0.1:8001"
"""The local directory, whose built-in issuer development trusts when none is configured."""


class IssuerNotConfigured(RuntimeError):
    """Outside development the issuer every service trusts must be named explicitly."""


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

    def trusted_issuer(self, environment: str) -> str:
        """The issuer to trust: the configured one, or in development the local directory."""
        if self.auth_issuer:
            return self.auth_issuer
        if environment != "development":
            raise IssuerNotConfigured(f"set TSUNAGU_AUTH_ISSUER (environment {environment!r})")
        return LOCAL_ISSUER


def verifier_for(
    issuer: str, *, audience: str, http: httpx.AsyncClient, leeway_seconds: int = 30
) -> TokenVerifier:
    """A verifier of `issuer`'s tokens for `audience`, fetching its keys through `http`."""
    keys = IssuerKeys(issuer, http=http)
    return TokenVerifier(keys=keys, audience=audience, leeway_seconds=leeway_seconds)


def service_verifier(
    settings: AuthSettings, *, environment: str
) -> tuple[TokenVerifier, httpx.AsyncClient]:
    """The verifier a service checks tokens with, and the HTTP client to close on stop."""
    # Keys are fetched every few minutes at most: a new connection each time, never a kept-alive
    # one the issuer may have closed meanwhile.
    http = httpx.AsyncClient(timeout=5.0, limits=httpx.Limits(max_keepalive_connections=0))
    verifier = verifier_for(
        settings.trusted_issuer(environment),
        audience=settings.auth_audience,
        http=http,
        leeway_seconds=settings.auth_leeway_seconds,
    )
    return verifier, http

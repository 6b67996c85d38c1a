"""Access tokens as RFC 9068 JWTs carrying the client's role and agency."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from joserfc import jwt

from tsunagu.auth import ACCESS_TOKEN_TYPE, AGENCY_CLAIM, ROLE_CLAIM

from .clients import Client
from .signing import SIGNING_ALGORITHM, SigningKey

MAX_LIFETIME = timedelta(minutes=10)


@dataclass(frozen=True)
class TokenPolicy:
    """Who issues tokens, for whom, and for how long (at most ten minutes)."""

    issuer: str
    audience: str
    lifetime: timedelta = timedelta(minutes=5)

    def __post_init__(self) -> None:
        if not timedelta(seconds=1) <= self.lifetime <= MAX_LIFETIME:
            raise ValueError(f"token lifetime must be between 1 s and {MAX_LIFETIME}")


@dataclass(frozen=True)
class IssuedToken:
    """A signed access token as the token endpoint returns it."""

    access_token: str
    expires_in: int
    scopes: frozenset[str]


def access_token_claims(
    client: Client, *, policy: TokenPolicy, scopes: frozenset[str], now: datetime
) -> dict[str, Any]:
    """The claims of a token for `client`, issued at `now`."""
    issued = int(now.timestamp())
    claims: dict[str, Any] = {
        "iss": policy.issuer,
        "sub": client.client_id,
        "aud": policy.audience,
        "iat": issued,
        "nbf": issued,
        "exp": issued + int(policy.lifetime.total_seconds()),
        "jti": secrets.token_urlsafe(16),
        "client_id": client.client_id,
        ROLE_CLAIM: client.role.value,
    }
    if client.agency_id is not None:
        claims[AGENCY_CLAIM] = client.agency_id
    if scopes:
        claims["scope"] = " ".join(sorted(scopes))
    return claims


def sign_token(claims: dict[str, Any], key: SigningKey) -> str:
    """The claims as a compact JWS signed by `key`."""
    header = {"alg": SIGNING_ALGORITHM, "kid": key.kid, "typ": ACCESS_TOKEN_TYPE}
    return jwt.encode(header, claims, key.private_key(), algorithms=[SIGNING_ALGORITHM])

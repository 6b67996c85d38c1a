"""Registered clients: who they are, what role they hold and how they prove it."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from joserfc.errors import JoseError
from joserfc.jwk import JWKRegistry

from tsunagu.auth import InvalidClaims, Role, check_role_and_agency

from .errors import CredentialError

CLIENT_ID = re.compile(r"^cl_[A-Za-z0-9_-]{16,64}$")
SCOPE_TOKEN = re.compile(r"^[\x21\x23-\x5b\x5d-\x7e]{1,64}$")  # RFC 6749 §3.3 scope-token


@dataclass(frozen=True)
class Client:
    """A registered client: exactly one of `secret_hash` and `public_jwk` proves its identity."""

    client_id: str
    role: Role
    agency_id: str | None
    scopes: frozenset[str]
    created_at: datetime
    secret_hash: str | None = None
    public_jwk: dict[str, Any] | None = None
    revoked_at: datetime | None = None

    @property
    def active(self) -> bool:
        """Whether the client may still obtain tokens."""
        return self.revoked_at is None


def new_client_id() -> str:
    """A fresh, unguessable client id."""
    return "cl_" + secrets.token_urlsafe(18)


def new_client_secret() -> str:
    """A fresh client secret with 256 bits of randomness."""
    return secrets.token_urlsafe(32)


def register_client(
    *,
    role: Role,
    agency_id: str | None,
    created_at: datetime,
    scopes: frozenset[str] = frozenset(),
    secret_hash: str | None = None,
    public_jwk: dict[str, Any] | None = None,
) -> Client:
    """A new client, checking its role, agency, scopes and proof of identity."""
    try:
        check_role_and_agency(role, agency_id)
    except InvalidClaims as exc:
        raise CredentialError(str(exc)) from exc
    if (secret_hash is None) == (public_jwk is None):
        raise CredentialError("a client has either a secret or a public key, not both")
    if public_jwk is not None:
        _check_public_key(public_jwk)
    bad = sorted(s for s in scopes if not SCOPE_TOKEN.fullmatch(s))
    if bad:
        raise CredentialError(f"invalid scope names: {bad}")
    return Client(
        client_id=new_client_id(),
        role=role,
        agency_id=agency_id,
        scopes=scopes,
        created_at=created_at,
        secret_hash=secret_hash,
        public_jwk=public_jwk,
    )


def _check_public_key(jwk: dict[str, Any]) -> None:
    if jwk.get("kty") not in ("EC", "OKP", "RSA"):
        raise CredentialError("the public key must be an EC, OKP or RSA JWK")
    if any(part in jwk for part in ("d", "p", "q")):
        raise CredentialError("register the public key only, never the private one")
    try:
        JWKRegistry.import_key(jwk)
    except (JoseError, ValueError, TypeError) as exc:
        raise CredentialError(f"the public key cannot be read: {exc}") from exc


def revoke(client: Client, *, at: datetime) -> Client:
    """The client, revoked at `at` (an already revoked client keeps its first date)."""
    return client if client.revoked_at is not None else replace(client, revoked_at=at)


def granted_scopes(client: Client, requested: str | None) -> frozenset[str] | None:
    """The scopes to grant: all registered ones, or the requested subset; None if exceeded."""
    if requested is None:
        return client.scopes
    wanted = frozenset(requested.split())
    return wanted if wanted <= client.scopes else None

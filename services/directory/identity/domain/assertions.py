"""Client authentication with a signed JWT (`private_key_jwt`, RFC 7523 §2.2 and §3)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from joserfc import jws
from joserfc.errors import ClaimError, JoseError
from joserfc.jwk import JWKRegistry
from joserfc.jwt import JWTClaimsRegistry

from tsunagu.auth import SIGNING_ALGORITHMS
from tsunagu.auth.claims import claims_object

from .clients import Client
from .errors import InvalidClient

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
MAX_ASSERTION_LENGTH = 8192
MAX_JTI_LENGTH = 200
# Used assertions are remembered until they expire, so none may live long.
MAX_ASSERTION_LIFETIME = timedelta(minutes=10)
LEEWAY_SECONDS = 30


@dataclass(frozen=True)
class ClientAssertion:
    """A verified assertion: whose it is, and its id to be used only once before expiry."""

    client_id: str
    jti: str
    expires_at: datetime
    """The last moment it is accepted (its `exp` plus the leeway): its id is kept until then."""


def asserted_client_id(assertion: str) -> str:
    """The client an assertion claims to come from (its `sub`), before any check."""
    claims = _claims(_extract(assertion).payload)
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise InvalidClient("the client assertion names no subject")
    return subject


def verify_assertion(
    assertion: str, *, client: Client, audiences: Collection[str], now: datetime
) -> ClientAssertion:
    """Check the assertion's signature with the client's key, then its claims (RFC 7523 §3)."""
    if client.public_jwk is None:
        raise InvalidClient("this client authenticates with a secret, not a signed assertion")
    signed = _extract(assertion)
    alg = signed.headers().get("alg")
    if alg not in SIGNING_ALGORITHMS:
        raise InvalidClient(f"the assertion algorithm {alg!r} is not accepted")
    try:
        key = JWKRegistry.import_key(client.public_jwk)
        valid = jws.validate_compact(signed, key, algorithms=[alg])
    except (JoseError, ValueError) as exc:
        raise InvalidClient("the assertion's signature does not fit the client's key") from exc
    if not valid:
        raise InvalidClient("the assertion's signature is invalid")
    claims = _claims(signed.payload)
    _check_claims(claims, client_id=client.client_id, audiences=audiences, now=now)
    return ClientAssertion(
        client_id=client.client_id,
        jti=claims["jti"],
        # kept as used until the last moment it is still accepted: its expiry plus the leeway
        expires_at=datetime.fromtimestamp(claims["exp"] + LEEWAY_SECONDS, UTC),
    )


def _check_claims(
    claims: dict[str, Any], *, client_id: str, audiences: Collection[str], now: datetime
) -> None:
    registry = JWTClaimsRegistry(
        now=int(now.timestamp()),
        leeway=LEEWAY_SECONDS,
        iss={"essential": True, "value": client_id},
        sub={"essential": True, "value": client_id},
        aud={"essential": True, "values": list(audiences)},
        exp={"essential": True},
        jti={"essential": True},
    )
    try:
        registry.validate(claims)
    except ClaimError as exc:
        raise InvalidClient(f"assertion claim rejected: {exc.description or exc.error}") from exc
    if claims["exp"] > now.timestamp() + MAX_ASSERTION_LIFETIME.total_seconds():
        raise InvalidClient("the assertion expires too far in the future")
    if len(claims["jti"]) > MAX_JTI_LENGTH:
        raise InvalidClient("the assertion's jti is too long")


def _extract(assertion: str) -> jws.CompactSignature:
    if len(assertion) > MAX_ASSERTION_LENGTH:
        raise InvalidClient("the client assertion is too long")
    try:
        return jws.extract_compact(assertion.encode("ascii"))
    except (JoseError, ValueError, UnicodeError) as exc:
        raise InvalidClient("the client assertion is not a compact JWS") from exc


def _claims(payload: bytes | None) -> dict[str, Any]:
    try:
        return claims_object(payload)
    except ValueError as exc:
        raise InvalidClient(f"the client assertion's payload is not a JSON object: {exc}") from exc

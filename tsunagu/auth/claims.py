"""What an access token says about its bearer: the claim names, the roles and the principal."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

# Claims of RFC 9068 every access token must carry, plus the two of Tsunagu.
ROLE_CLAIM = "tsunagu_role"
AGENCY_CLAIM = "tsunagu_agency_id"
REQUIRED_CLAIMS = ("iss", "sub", "aud", "exp", "iat", "jti", "client_id", ROLE_CLAIM)
ACCESS_TOKEN_TYPE = "at+jwt"
# Asymmetric algorithms only: never `none`, never an HMAC that a public key could forge.
SIGNING_ALGORITHMS = ("ES256", "ES384", "EdDSA", "Ed25519", "RS256", "PS256")


class Role(StrEnum):
    """What a client is in the network; each role sees and does different things."""

    AGENCY = "agency"
    COORDINATOR = "coordinator"
    AUDITOR = "auditor"
    OPERATOR = "operator"


class InvalidClaims(ValueError):
    """The token's Tsunagu claims are missing or contradict each other."""


@dataclass(frozen=True)
class Principal:
    """Who a verified token speaks for."""

    subject: str
    client_id: str
    role: Role
    agency_id: str | None
    scopes: frozenset[str]
    token_id: str
    expires_at: datetime

    def acts_for(self, agency_id: str) -> bool:
        """Whether this principal is the agency `agency_id` itself."""
        return self.role is Role.AGENCY and self.agency_id == agency_id


def check_role_and_agency(role: Role, agency_id: str | None) -> None:
    """An agency client names exactly one agency; every other role names none."""
    if role is Role.AGENCY and not agency_id:
        raise InvalidClaims(f"the role {role.value!r} needs an agency id")
    if role is not Role.AGENCY and agency_id is not None:
        raise InvalidClaims(f"the role {role.value!r} acts for no agency")


def principal_from_claims(claims: Mapping[str, Any]) -> Principal:
    """Read the principal from claims whose signature and times were already checked."""
    try:
        role = Role(claims[ROLE_CLAIM])
    except (KeyError, ValueError) as exc:
        raise InvalidClaims(f"{ROLE_CLAIM} must be one of {[r.value for r in Role]}") from exc
    agency_id = claims.get(AGENCY_CLAIM)
    if agency_id is not None and not isinstance(agency_id, str):
        raise InvalidClaims(f"{AGENCY_CLAIM} must be a string")
    check_role_and_agency(role, agency_id)
    scope = claims.get("scope", "")
    if not isinstance(scope, str):
        raise InvalidClaims("scope must be a space-separated string")
    texts = {name: claims.get(name) for name in ("sub", "client_id", "jti")}
    if not all(isinstance(value, str) and value for value in texts.values()):
        raise InvalidClaims("sub, client_id and jti must be non-empty strings")
    return Principal(
        subject=str(texts["sub"]),
        client_id=str(texts["client_id"]),
        role=role,
        agency_id=agency_id,
        scopes=frozenset(scope.split()),
        token_id=str(texts["jti"]),
        expires_at=datetime.fromtimestamp(int(claims["exp"]), UTC),
    )


def claims_object(payload: bytes | None) -> dict[str, Any]:
    """The JSON object a JWS payload holds; ValueError saying what is wrong otherwise."""
    claims = json.loads(payload or b"")  # a JSONDecodeError is a ValueError
    if not isinstance(claims, dict):
        raise ValueError("the payload is not a JSON object")
    return claims

"""Verifies bearer access tokens against the issuer's published keys."""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from typing import Any

from joserfc import jws
from joserfc.errors import ClaimError, JoseError
from joserfc.jwk import Key
from joserfc.jwt import ClaimsOption, JWTClaimsRegistry

from tsunagu.caches import LastUsed

from .claims import (
    ACCESS_TOKEN_TYPE,
    REQUIRED_CLAIMS,
    SIGNING_ALGORITHMS,
    InvalidClaims,
    Principal,
    claims_object,
    principal_from_claims,
)
from .discovery import IssuerKeys

# Keycloak and others label access tokens plain "JWT"; RFC 9068 asks for "at+jwt".
ACCEPTED_TYPES = (ACCESS_TOKEN_TYPE, "application/" + ACCESS_TOKEN_TYPE, "JWT")
MAX_TOKEN_LENGTH = 8192
CHECKED_TOKENS = 4096
"""Tokens whose checked signature a verifier remembers (the oldest forgotten first)."""


class InvalidToken(Exception):
    """The token is malformed, forged, expired or not meant for this service."""


class TokenVerifier:
    """Checks signature, issuer, audience, times and the Tsunagu claims of a token."""

    def __init__(
        self,
        *,
        keys: IssuerKeys,
        audience: str,
        algorithms: Collection[str] = SIGNING_ALGORITHMS,
        leeway_seconds: int = 30,
        clock: Callable[[], float] = time.time,
    ) -> None:
        unsafe = {a for a in algorithms if a == "none" or a.startswith("HS")}
        if unsafe:
            raise ValueError(f"algorithms never accepted for access tokens: {sorted(unsafe)}")
        self._keys = keys
        self._audience = audience
        self._algorithms = frozenset(algorithms)
        self._leeway = leeway_seconds
        self._clock = clock
        # Tokens whose signature was checked, with the key that checked it: a client sends the
        # same token for minutes, and its claims are still checked on every request.
        self._checked: LastUsed[tuple[Key, dict[str, Any]]] = LastUsed(CHECKED_TOKENS)

    @property
    def issuer(self) -> str:
        """The issuer whose tokens this verifier accepts."""
        return self._keys.issuer

    async def verify(self, token: str) -> Principal:
        """The principal a valid token speaks for; InvalidToken otherwise.

        A token's signature is checked once while the issuer still publishes the key that
        checked it; its times, issuer, audience and claims are checked every time."""
        if len(token) > MAX_TOKEN_LENGTH:
            raise InvalidToken("the token is too long")
        if (checked := self._checked.get(token)) is not None:
            checked_with, checked_claims = checked
            if await self._keys.key_for(checked_with.kid) is checked_with:
                return self._principal(checked_claims)
            self._checked.pop(token)
        try:
            signed = jws.extract_compact(token.encode("ascii"))
        except (JoseError, ValueError, UnicodeError) as exc:
            raise InvalidToken("the token is not a compact JWS") from exc
        header = signed.headers()
        alg = header.get("alg")
        if alg not in self._algorithms:
            raise InvalidToken(f"the algorithm {alg!r} is not accepted")
        if header.get("typ", ACCESS_TOKEN_TYPE) not in ACCEPTED_TYPES:
            raise InvalidToken("the token is not an access token")
        kid = header.get("kid")
        key = await self._keys.key_for(kid if isinstance(kid, str) else None)
        if key is None:
            raise InvalidToken("the token is signed with a key the issuer does not publish")
        try:
            valid = jws.validate_compact(signed, key, algorithms=[alg])
        except (JoseError, ValueError) as exc:
            raise InvalidToken("the signature does not fit the key") from exc
        if not valid:
            raise InvalidToken("the signature is invalid")
        claims = _claims_of(signed.payload)
        principal = self._principal(claims)
        if isinstance(kid, str):  # a key found again by its id on the next request
            self._checked.put(token, (key, claims))
        return principal

    def _principal(self, claims: dict[str, Any]) -> Principal:
        options: dict[str, ClaimsOption] = {name: {"essential": True} for name in REQUIRED_CLAIMS}
        options["iss"] = {"essential": True, "value": self.issuer}
        options["aud"] = {"essential": True, "value": self._audience}
        registry = JWTClaimsRegistry(now=int(self._clock()), leeway=self._leeway, **options)
        try:
            registry.validate(claims)
            return principal_from_claims(claims)
        except ClaimError as exc:
            raise InvalidToken(f"claim rejected: {exc.description or exc.error}") from exc
        except InvalidClaims as exc:
            raise InvalidToken(str(exc)) from exc


def _claims_of(payload: bytes | None) -> dict[str, Any]:
    try:
        return claims_object(payload)
    except ValueError as exc:
        raise InvalidToken(f"the payload is not a JSON object: {exc}") from exc

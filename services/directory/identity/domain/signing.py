"""The issuer's signing keys: one signs, retired ones stay published until their tokens expire."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from joserfc.jwk import ECKey

SIGNING_ALGORITHM = "ES256"
CURVE = "P-256"


@dataclass(frozen=True)
class SigningKey:
    """A private signing key, its RFC 7638 thumbprint as `kid`, and when it stopped signing."""

    kid: str
    private_jwk: dict[str, Any]
    created_at: datetime
    retired_at: datetime | None = None

    def private_key(self) -> ECKey:
        """The key to sign with."""
        return ECKey.import_key(self.private_jwk)

    def public_jwk(self) -> dict[str, Any]:
        """The public half, as published in the JWKS."""
        public = dict(self.private_key().as_dict(private=False))
        return {**public, "kid": self.kid, "use": "sig", "alg": SIGNING_ALGORITHM}


def new_signing_key(*, created_at: datetime) -> SigningKey:
    """A freshly generated P-256 key for ES256."""
    key = ECKey.generate_key(CURVE, private=True, auto_kid=True)
    jwk = dict(key.as_dict(private=True))
    return SigningKey(kid=str(key.kid), private_jwk=jwk, created_at=created_at)


@dataclass(frozen=True)
class SigningKeySet:
    """All keys the issuer holds; `token_lifetime` bounds how long a retired key must stay."""

    keys: tuple[SigningKey, ...]
    token_lifetime: timedelta

    @property
    def current(self) -> SigningKey | None:
        """The newest key still signing, or None before the first key exists."""
        signing = [k for k in self.keys if k.retired_at is None]
        return max(signing, key=lambda k: k.created_at, default=None)

    def published(self, *, now: datetime) -> list[SigningKey]:
        """The keys a verifier needs now: the current one and retired ones still in use."""
        return [k for k in self.keys if not self._expired(k, now)]

    def rotated(self, new_key: SigningKey) -> SigningKeySet:
        """The set with `new_key` signing and every older signing key retired."""
        at = new_key.created_at
        retired = tuple(k if k.retired_at else replace(k, retired_at=at) for k in self.keys)
        return replace(self, keys=(*retired, new_key))

    def expired(self, *, now: datetime) -> list[SigningKey]:
        """Retired keys whose last tokens have expired: safe to delete."""
        return [k for k in self.keys if self._expired(k, now)]

    def _expired(self, key: SigningKey, now: datetime) -> bool:
        # A token signed just before retirement lives for token_lifetime (plus clock leeway).
        grace = self.token_lifetime + timedelta(minutes=1)
        return key.retired_at is not None and key.retired_at + grace <= now

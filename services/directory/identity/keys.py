"""The issuer's key ring: loads keys, creates the first, rotates and forgets expired ones."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from .domain import SigningKey, SigningKeySet, new_signing_key
from .ports import SigningKeyStore


def _utc_now() -> datetime:
    return datetime.now(UTC)


class SigningKeys:
    """The keys in use, read from a store; a rotation writes the new key before it signs."""

    def __init__(
        self,
        *,
        store: SigningKeyStore,
        token_lifetime_seconds: float,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self._store = store
        self._clock = clock
        self._lifetime = timedelta(seconds=token_lifetime_seconds)
        self._set = SigningKeySet(keys=(), token_lifetime=self._lifetime)

    def load(self) -> None:
        """Read the stored keys, creating and storing the first one if there is none."""
        self._set = SigningKeySet(keys=tuple(self._store.load()), token_lifetime=self._lifetime)
        if self._set.current is None:
            self.rotate()

    def rotate(self) -> SigningKey:
        """Start signing with a new key; the previous one stays published until it expires."""
        rotated = self._set.rotated(new_signing_key(created_at=self._clock()))
        for key in rotated.keys:
            self._store.save(key)
        self._set = rotated
        assert rotated.current is not None
        return rotated.current

    def prune(self) -> list[str]:
        """Delete retired keys whose tokens have all expired; their kids."""
        expired = self._set.expired(now=self._clock())
        for key in expired:
            self._store.delete(key.kid)
        gone = {k.kid for k in expired}
        self._set = SigningKeySet(
            keys=tuple(k for k in self._set.keys if k.kid not in gone),
            token_lifetime=self._lifetime,
        )
        return sorted(gone)

    def current(self) -> SigningKey:
        """The key that signs tokens now."""
        if self._set.current is None:
            raise RuntimeError("no signing key: call load() first")
        return self._set.current

    def jwks(self) -> dict[str, Any]:
        """The JWK Set to publish: public halves of every key still needed."""
        keys = self._set.published(now=self._clock())
        return {"keys": [k.public_jwk() for k in keys]}

"""Client secrets are kept only as Argon2id hashes, checked in constant time."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# Secrets are 256 random bits, so no dictionary attack applies; these parameters (OWASP's
# minimum for Argon2id) keep a token request cheap while any leaked hash stays useless.
_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


def hash_secret(secret: str) -> str:
    """The encoded Argon2id hash to store for `secret`."""
    return _HASHER.hash(secret)


def secret_matches(secret: str, stored_hash: str | None) -> bool:
    """Whether `secret` is the one hashed as `stored_hash` (None: spend the time, refuse)."""
    try:
        return _HASHER.verify(stored_hash or _decoy(), secret) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


@cache
def _decoy() -> str:
    """Checked when the client is unknown, so a wrong id costs as long as a wrong secret."""
    return _HASHER.hash("an unknown client has no secret")

"""Each agency's webhook signing secrets: a random current one, and the one it replaced.

After a rotation the replaced secret still signs deliveries until its grace period ends, so a
receiver can switch to the new secret without rejecting anything in between.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

KEY_BYTES: Final = 32


def new_signing_key() -> bytes:
    """A fresh random HMAC key."""
    return secrets.token_bytes(KEY_BYTES)


@dataclass(frozen=True)
class SigningSecrets:
    """An agency's current key and, during a grace period, the key it replaced."""

    agency_id: str
    current: bytes
    created_at: datetime
    previous: bytes | None = None
    previous_until: datetime | None = None

    def valid_keys(self, now: datetime) -> list[bytes]:
        """The keys that sign a delivery made at `now`: the current one first."""
        keys = [self.current]
        if self.previous is not None and self.previous_until and now < self.previous_until:
            keys.append(self.previous)
        return keys

    def previous_valid_until(self, now: datetime) -> datetime | None:
        """When the replaced key stops signing, or None if it no longer does."""
        if self.previous_until is not None and now < self.previous_until:
            return self.previous_until
        return None

    def rotated(self, key: bytes, *, now: datetime, grace: timedelta) -> SigningSecrets:
        """The secrets after `key` replaces the current one, which stays valid for `grace`.

        A key replaced earlier and still in its grace period stops signing at once.
        """
        return SigningSecrets(
            agency_id=self.agency_id,
            current=key,
            created_at=now,
            previous=self.current,
            previous_until=now + grace,
        )


def first_secrets(agency_id: str, *, now: datetime) -> SigningSecrets:
    """An agency's first secrets: one fresh key, nothing replaced."""
    return SigningSecrets(agency_id=agency_id, current=new_signing_key(), created_at=now)

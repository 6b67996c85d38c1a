"""Idempotency keys of referral creations in MongoDB: one document per agency and key.

A request's fingerprint is a digest of its content, the person's data included, so it is kept
only as an HMAC under a secret of the service (a plain digest of a name and a birth year could
be found again by trying candidates)."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

CREATION_KEYS = "creation_keys"


class MongoCreationKeys:
    """The first insert of a key wins (a unique `_id` is a compare-and-swap on every store)."""

    def __init__(self, *, collection: AsyncCollection[dict[str, Any]], secret: bytes) -> None:
        self._keys = collection
        self._secret = secret

    async def claim(
        self, *, agency_id: str, key: str, referral_id: str, fingerprint: str
    ) -> tuple[str, bool]:
        """Claim `key` for `referral_id`; return the referral id the key holds and whether it
        was claimed for the same request."""
        document_id = f"{agency_id}|{key}"
        keyed = hmac.new(self._secret, fingerprint.encode(), hashlib.sha256).hexdigest()
        try:
            await self._keys.insert_one(
                {
                    "_id": document_id,
                    "referral_id": referral_id,
                    "fingerprint": keyed,
                    "claimed_at": datetime.now(UTC),
                }
            )
        except DuplicateKeyError:
            held = await self._keys.find_one({"_id": document_id})
            assert held is not None, "a duplicate key means the document exists"
            same = hmac.compare_digest(str(held["fingerprint"]), keyed)
            return str(held["referral_id"]), same
        return referral_id, True

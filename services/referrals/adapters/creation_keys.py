"""Idempotency keys of referral creations in MongoDB: one document per agency and key."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

CREATION_KEYS = "creation_keys"


class MongoCreationKeys:
    """The first insert of a key wins (a unique `_id` is a compare-and-swap on every store)."""

    def __init__(self, *, collection: AsyncCollection[dict[str, Any]]) -> None:
        self._keys = collection

    async def claim(
        self, *, agency_id: str, key: str, referral_id: str, fingerprint: str
    ) -> tuple[str, str]:
        """Claim `key` for `referral_id`; return the referral id and fingerprint it holds."""
        document_id = f"{agency_id}|{key}"
        try:
            await self._keys.insert_one(
                {
                    "_id": document_id,
                    "referral_id": referral_id,
                    "fingerprint": fingerprint,
                    "claimed_at": datetime.now(UTC),
                }
            )
        except DuplicateKeyError:
            held = await self._keys.find_one({"_id": document_id})
            assert held is not None, "a duplicate key means the document exists"
            return str(held["referral_id"]), str(held["fingerprint"])
        return referral_id, fingerprint

"""Household links in MongoDB: one inserted document per direction, keyed `<a>><b>`.

Inserts under a unique `_id` make linking idempotent without updating the referrals.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError

from tsunagu.store import is_duplicate

HOUSEHOLD_LINKS = "household_links"


class MongoHouseholdLinks:
    """Links between referrals of one household, both ways."""

    def __init__(self, *, collection: AsyncCollection[dict[str, Any]]) -> None:
        self._collection = collection

    async def link(self, referral_id: str, other_id: str, *, by: str, at: datetime) -> bool:
        """Link two referrals both ways; tell whether the link is new."""
        documents = [
            {"_id": f"{a}>{b}", "referral_id": a, "related_id": b, "linked_by": by, "at": at}
            for a, b in ((referral_id, other_id), (other_id, referral_id))
        ]
        try:
            await self._collection.insert_many(documents, ordered=False)
        except BulkWriteError as exc:
            if not is_duplicate(exc):
                raise
            return len(exc.details.get("writeErrors", [])) < len(documents)
        return True

    async def related(self, referral_id: str) -> list[str]:
        """Ids of the referrals linked to this one."""
        cursor = self._collection.find(
            {"_id": {"$gt": f"{referral_id}>", "$lt": f"{referral_id}?"}}
        )
        return [str(document["related_id"]) async for document in cursor.sort("_id", 1)]

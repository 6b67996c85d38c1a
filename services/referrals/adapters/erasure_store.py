"""What erasing a person's data needs of the store besides the referral's own change.

The change itself (the person's data removed, `erasure` recorded, the event in the outbox) is
one guarded update by `referral_store`, which also marks the document `shred_pending`; the data
key is destroyed afterwards and the mark removed, so a crash between the two leaves a mark the
retention sweep finds and finishes. Ended referrals carry `retained_since` until erased; both
fields are indexed, so the sweep reads only what it acts on. Referrals that ended before the
field existed are given it once at start, from when they last changed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from .referral_store import CHANGED_AT, ENDED, RETAINED_SINCE, SHRED_PENDING
from .subject_vault import SubjectVault


class MongoErasures:
    """Data keys destroyed, and the referrals whose data is due for erasure or key removal."""

    def __init__(self, *, referrals: AsyncCollection[dict[str, Any]], vault: SubjectVault):
        self._referrals, self._vault = referrals, vault

    async def shred(self, referral_id: str) -> bool:
        """Destroy the referral's data key, then clear its mark; tell whether a key was kept."""
        destroyed = await self._vault.destroy(referral_id)
        await self._referrals.update_one({"_id": referral_id}, {"$unset": {SHRED_PENDING: ""}})
        return destroyed

    async def unshredded(self, *, limit: int) -> list[str]:
        """Ids of erased referrals whose data key may still be kept."""
        cursor = self._referrals.find({SHRED_PENDING: True}, {"_id": 1}).limit(limit)
        return [str(document["_id"]) async for document in cursor]

    async def expired(self, before: datetime, *, limit: int) -> list[str]:
        """Ids of referrals ended at or before `before` whose person's data is still kept."""
        selector = {RETAINED_SINCE: {"$lte": before}}
        cursor = self._referrals.find(selector, {"_id": 1}).sort(RETAINED_SINCE).limit(limit)
        return [str(document["_id"]) async for document in cursor]

    async def mark_ended(self, *, now: datetime) -> int:
        """Give `retained_since` to ended referrals written before it was kept (their documents
        have no `erasure` field either): when they last changed, or `now` if that is not
        recorded; return how many were marked."""
        selector = {"erasure": {"$exists": False}, "status": {"$in": [s.value for s in ENDED]}}
        marked = 0
        async for document in self._referrals.find(selector, {CHANGED_AT: 1}):
            result = await self._referrals.update_one(
                {"_id": document["_id"], RETAINED_SINCE: {"$exists": False}},
                {"$set": {RETAINED_SINCE: document.get(CHANGED_AT) or now}},
            )
            marked += result.modified_count
        return marked

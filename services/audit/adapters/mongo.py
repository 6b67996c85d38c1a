"""The audit log kept in one collection, one document per record."""

from __future__ import annotations

from typing import Any, Final

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from services.audit.domain import (
    GENESIS,
    AuditRecord,
    ChainHead,
    RecordQuery,
    read_record,
    rfc3339,
)

COLLECTION: Final = "records"
WITHOUT_ID: Final = {"_id": False}


class MongoAuditLog:
    """Audit records in MongoDB: unique by seq (no forks) and by event id (no duplicates).

    The event id is the document's `_id`: its unique index is the one every store looks up
    without scanning, and `has_event` runs for every delivery.
    """

    def __init__(self, *, collection: AsyncCollection[dict[str, Any]]) -> None:
        self._records = collection

    async def ensure_indexes(self) -> None:
        """Create the unique and search indexes (idempotent)."""
        await self._records.create_index([("seq", ASCENDING)], unique=True, name="seq_unique")
        for field in ("referral_id", "agency_ids", "type", "time"):
            await self._records.create_index([(field, ASCENDING), ("seq", ASCENDING)])

    async def head(self) -> ChainHead:
        """The last record of the chain as stored now (genesis when empty)."""
        last = await self._records.find_one(
            {}, {"_id": False, "seq": True, "hash": True}, sort=[("seq", DESCENDING)]
        )
        return GENESIS if last is None else ChainHead(seq=last["seq"], hash=last["hash"])

    async def has_event(self, event_id: str) -> bool:
        """Whether an event already has its record."""
        return await self._records.find_one({"_id": event_id}, {"_id": True}) is not None

    async def append(self, record: AuditRecord) -> bool:
        """Store a record; False when its seq or event id is already taken."""
        try:
            await self._records.insert_one({"_id": record.event_id, **record.model_dump()})
        except DuplicateKeyError:
            return False
        return True

    async def find(self, query: RecordQuery, *, limit: int) -> list[AuditRecord]:
        """Records matching `query` in seq order, at most `limit` of them."""
        cursor = self._records.find(_filter_of(query), WITHOUT_ID, sort=[("seq", ASCENDING)])
        return [read_record(document) async for document in cursor.limit(limit)]

    async def stored_after(self, seq: int, *, limit: int) -> list[dict[str, Any]]:
        """The stored fields of up to `limit` records after `seq`, in seq order, unchecked."""
        cursor = self._records.find({"seq": {"$gt": seq}}, WITHOUT_ID, sort=[("seq", ASCENDING)])
        return await cursor.limit(limit).to_list()


def _filter_of(query: RecordQuery) -> dict[str, Any]:
    """The store filter for a search; times compare as fixed-width RFC 3339 text."""
    found: dict[str, Any] = {"seq": {"$gt": query.after_seq}}
    if query.referral_id is not None:
        found["referral_id"] = query.referral_id
    if query.agency_id is not None:
        found["agency_ids"] = query.agency_id
    if query.type is not None:
        found["type"] = query.type
    time_range: dict[str, str] = {}
    if query.since is not None:
        time_range["$gte"] = rfc3339(query.since)
    if query.until is not None:
        time_range["$lt"] = rfc3339(query.until)
    if time_range:
        found["time"] = time_range
    return found

"""The audit log kept in one collection, one document per record with its tree nodes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Final

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError

from services.audit.domain import AuditRecord, Entry, RecordQuery, read_record, rfc3339
from services.audit.ports import NODES_FIELD
from tsunagu.store import is_duplicate

COLLECTION: Final = "records"
WITHOUT_ID: Final = {"_id": False}
RECORD_ONLY: Final = {"_id": False, NODES_FIELD: False}


class MongoAuditLog:
    """Audit records in MongoDB: unique by seq (no forks) and by event id (no duplicates).

    The event id is the document's `_id`: its unique index is the one every store looks up
    without scanning, and `has_event` runs for every delivery. Each document also holds, under
    `nodes`, the hashes of the tree nodes its leaf completed, inserted with the record.
    """

    def __init__(self, *, collection: AsyncCollection[dict[str, Any]]) -> None:
        self._records = collection

    async def ensure_indexes(self) -> None:
        """Create the unique and search indexes (idempotent)."""
        await self._records.create_index([("seq", ASCENDING)], unique=True, name="seq_unique")
        for field in ("referral_id", "agency_ids", "type", "time"):
            await self._records.create_index([(field, ASCENDING), ("seq", ASCENDING)])

    async def tree_size(self) -> int:
        """How many records the log holds: the seq of the last one (0 when empty)."""
        last = await self._records.find_one(
            {}, {"_id": False, "seq": True}, sort=[("seq", DESCENDING)]
        )
        return 0 if last is None else int(last["seq"])

    async def kept_nodes(self, seqs: Iterable[int]) -> dict[int, Sequence[bytes]]:
        """The node hashes kept by the records of these seqs, by seq (absent ones left out)."""
        wanted = sorted(set(seqs))
        if not wanted:
            return {}
        cursor = self._records.find(
            {"seq": {"$in": wanted}}, {"_id": False, "seq": True, NODES_FIELD: True}
        )
        return {
            int(document["seq"]): [bytes(h) for h in document.get(NODES_FIELD, [])]
            async for document in cursor
        }

    async def has_event(self, event_id: str) -> bool:
        """Whether an event already has its record."""
        return await self._records.find_one({"_id": event_id}, {"_id": True}) is not None

    async def append(self, entries: Sequence[Entry]) -> int:
        """Store entries in order, stopping at the first whose seq or event id is taken.

        Returns how many were stored. An ordered insert stops at its first refusal, so what is
        stored is always a gap-free run of the log.
        """
        documents = stored_documents(entries)
        try:
            await self._records.insert_many(documents, ordered=True)
        except BulkWriteError as exc:
            if not is_duplicate(exc):
                raise
            return int(exc.details["writeErrors"][0]["index"])
        return len(documents)

    async def find(self, query: RecordQuery, *, limit: int) -> list[AuditRecord]:
        """Records matching `query` in seq order, at most `limit` of them."""
        cursor = self._records.find(_filter_of(query), RECORD_ONLY, sort=[("seq", ASCENDING)])
        return [read_record(document) async for document in cursor.limit(limit)]

    async def stored_after(self, seq: int, *, limit: int) -> list[dict[str, Any]]:
        """The stored fields of up to `limit` records after `seq`, in seq order, unchecked."""
        cursor = self._records.find({"seq": {"$gt": seq}}, WITHOUT_ID, sort=[("seq", ASCENDING)])
        return await cursor.limit(limit).to_list()


def stored_documents(entries: Sequence[Entry]) -> list[dict[str, Any]]:
    """The documents entries are stored as: the event id is the `_id`, the nodes beside.

    The record's fields are taken as they are (a record is frozen, and the driver only reads
    them), not copied through `model_dump`: this runs for every record appended.
    """
    return [
        {"_id": e.record.event_id, **dict(e.record), NODES_FIELD: list(e.nodes)} for e in entries
    ]


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

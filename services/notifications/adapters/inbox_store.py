"""Agencies' inboxes in MongoDB: one document per notification, paged newest first."""

from __future__ import annotations

import base64
import json
from dataclasses import asdict
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError

from services.notifications.domain import InboxEntry
from services.notifications.ports import InboxPage, InvalidCursor
from tsunagu.store import is_duplicate


class MongoInbox:
    """Inbox entries keyed by notification id, so a redelivered event adds nothing."""

    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self._collection = collection

    async def ensure_indexes(self) -> None:
        """Indexes for paging one agency's inbox, all or by read state."""
        await self._collection.create_index(
            [("agency_id", ASCENDING), ("created_at", DESCENDING), ("_id", DESCENDING)]
        )
        await self._collection.create_index(
            [("agency_id", ASCENDING), ("read", ASCENDING), ("created_at", DESCENDING)]
        )

    async def add(self, entries: list[InboxEntry]) -> int:
        """Insert the entries; those already there are skipped."""
        if not entries:
            return 0
        documents = [{"_id": e.notification_id, **asdict(e)} for e in entries]
        try:
            result = await self._collection.insert_many(documents, ordered=False)
        except BulkWriteError as exc:
            if not is_duplicate(exc):
                raise
            return int(exc.details.get("nInserted", 0))
        return len(result.inserted_ids)

    async def page(
        self, *, agency_id: str, unread: bool | None, limit: int, cursor: str | None
    ) -> InboxPage:
        """Newest first; the cursor is the (created_at, id) of the last entry returned."""
        query: dict[str, Any] = {"agency_id": agency_id}
        if unread is not None:
            query["read"] = not unread
        if cursor:
            created_at, last_id = _decode(cursor)
            query["$or"] = [
                {"created_at": {"$lt": created_at}},
                {"created_at": created_at, "_id": {"$lt": last_id}},
            ]
        found = self._collection.find(query).sort([("created_at", DESCENDING), ("_id", DESCENDING)])
        documents = await found.limit(limit + 1).to_list()
        items = [_entry(d) for d in documents[:limit]]
        more = len(documents) > limit
        next_cursor = _encode(documents[limit - 1]) if more else None
        return InboxPage(items=items, next_cursor=next_cursor)

    async def mark_read(
        self, *, agency_id: str, notification_id: str, now: datetime
    ) -> InboxEntry | None:
        """Set read, keeping the time it was first read."""
        query = {"_id": notification_id, "agency_id": agency_id}
        await self._collection.update_one(
            {**query, "read": False}, {"$set": {"read": True, "read_at": now}}
        )
        document = await self._collection.find_one(query)
        return _entry(document) if document is not None else None


def _entry(document: dict[str, Any]) -> InboxEntry:
    """A stored document as a domain entry."""
    fields = {k: v for k, v in document.items() if k != "_id"}
    return InboxEntry(**fields)


def _encode(document: dict[str, Any]) -> str:
    """An opaque cursor pointing just after `document`."""
    raw = json.dumps([document["created_at"].isoformat(), document["_id"]])
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _decode(cursor: str) -> tuple[datetime, str]:
    """The (created_at, id) a cursor points after; InvalidCursor when it is not ours."""
    try:
        created_at, last_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        return datetime.fromisoformat(created_at), str(last_id)
    except (ValueError, TypeError) as exc:
        raise InvalidCursor(cursor) from exc

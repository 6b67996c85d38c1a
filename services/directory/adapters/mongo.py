"""Agencies in MongoDB: one document per agency, holding its pending events in `outbox`."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC
from typing import Any

from pydantic import BaseModel
from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from tsunagu.events import outbox_entry
from tsunagu.outbox import OUTBOX_FIELD
from tsunagu_schemas.agency import AGENCY_DELIVERY_SET

from ..domain import Agency, AgencyChange, AgencyExists, AgencySearch

SERVICE = "directory"
# Matching in the store only narrows the candidates; AgencySearch.matches decides, so the
# store reads a few pages at most per answer.
BATCH = 100


class MongoAgencyRepository:
    """Stores agencies and their pending events in one collection."""

    def __init__(
        self, collection: AsyncCollection[dict[str, Any]], *, write_lock: asyncio.Lock
    ) -> None:
        self._collection = collection
        # Shared with the outbox relay, so this process's writes and the relay's removals never
        # interleave; the version filter guards against other replicas.
        self._write_lock = write_lock

    async def ensure_indexes(self) -> None:
        """Create the indexes searches rely on."""
        await self._collection.create_index([("services.categories", ASCENDING)])
        await self._collection.create_index([("services.areas", ASCENDING)])
        await self._collection.create_index([("services.languages", ASCENDING)])
        await self._collection.create_index([("services.accepting_referrals", ASCENDING)])
        await self._collection.create_index([("active", ASCENDING), ("_id", ASCENDING)])

    async def add(self, change: AgencyChange, *, traceparent: str | None) -> None:
        """Store a newly registered agency with its pending event."""
        document = _to_document(change.agency)
        document[OUTBOX_FIELD] = _pending_events(change, traceparent)
        try:
            await self._collection.insert_one(document)
        except DuplicateKeyError as exc:
            raise AgencyExists(change.agency.id) from exc

    async def get(self, agency_id: str) -> Agency | None:
        """Load one agency, or None."""
        document = await self._collection.find_one({"_id": agency_id})
        return None if document is None else _from_document(document)

    async def save(
        self, change: AgencyChange, *, expected_version: int, traceparent: str | None
    ) -> bool:
        """Store a change if the agency is still at `expected_version`; False otherwise."""
        document = _to_document(change.agency)
        del document["_id"]
        async with self._write_lock:
            result = await self._collection.find_one_and_update(
                {"_id": change.agency.id, "version": expected_version},
                {
                    "$set": document,
                    "$push": {OUTBOX_FIELD: {"$each": _pending_events(change, traceparent)}},
                },
            )
        return result is not None

    async def search(self, search: AgencySearch, *, limit: int, after: str | None) -> list[Agency]:
        """Up to `limit` matching agencies in id order, after the id `after`."""
        found: list[Agency] = []
        query = _narrowing_query(search)
        if after is not None:
            query["_id"] = {"$gt": after}
        cursor = self._collection.find(query).sort("_id", ASCENDING).batch_size(BATCH)
        async for document in cursor:
            agency = _from_document(document)
            if search.matches(agency):
                found.append(agency)
                if len(found) >= limit:
                    break
        await cursor.close()
        return found


def _narrowing_query(search: AgencySearch) -> dict[str, Any]:
    """A store query that every matching agency satisfies (and maybe a few others)."""
    query: dict[str, Any] = {}
    if not search.include_inactive:
        query["active"] = True
    if search.category is not None:
        query["services.categories"] = search.category
    if search.areas:
        query["services.areas"] = {"$in": list(search.areas)}
    if search.accepting is not None:
        query["services.accepting_referrals"] = search.accepting
    if search.language:
        tag = {"$regex": f"^{re.escape(search.language)}(-|$)", "$options": "i"}
        query["services.languages"] = tag
    if search.text:
        pattern = {"$regex": re.escape(search.text), "$options": "i"}
        fields = (
            "name",
            "description",
            "services.name",
            "services.description",
            "services.eligibility_description",
        )
        query["$or"] = [{field: pattern} for field in fields]
    return query


def _pending_events(change: AgencyChange, traceparent: str | None) -> list[dict[str, Any]]:
    """The change's public event and, when it touched them, its delivery settings' event."""
    agency = change.agency
    events: list[tuple[str, BaseModel]] = [(change.event_type, change.event_data)]
    if (delivery := change.delivery_data) is not None:
        events.append((AGENCY_DELIVERY_SET, delivery))
    return [
        outbox_entry(
            event_type=event_type,
            subject=agency.id,
            data=data,
            service=SERVICE,
            time=agency.updated_at,
            traceparent=traceparent,
        )
        for event_type, data in events
    ]


def _to_document(agency: Agency) -> dict[str, Any]:
    document = agency.model_dump(mode="python", exclude={"id"})
    document["kind"] = agency.kind.value
    return {"_id": agency.id, **document}


def _from_document(document: dict[str, Any]) -> Agency:
    fields = {k: v for k, v in document.items() if k not in ("_id", OUTBOX_FIELD)}
    for moment in ("registered_at", "updated_at"):
        fields[moment] = fields[moment].astimezone(UTC)
    return Agency.model_validate({"id": document["_id"], **fields})

"""Read models fed by events: one document per key, replaced only by a higher version.

Redeliveries and late, older events change nothing: with a newer version stored, the version
filter misses and the upsert collides with the stored `_id`. Only an insert with a unique `_id`
is relied on, which every store supports atomically.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError


class VersionedReadModel:
    """Documents keyed by `_id`, each carrying the `version` of the event that wrote it."""

    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self._collection = collection

    async def apply(self, key: str, version: int, fields: Mapping[str, Any]) -> bool:
        """Store `fields` under `key` unless a same or newer version is there; tell if stored."""
        try:
            await self._collection.update_one(
                {"_id": key, "version": {"$lt": version}},
                {"$set": {**fields, "version": version}},
                upsert=True,
            )
        except DuplicateKeyError:
            return False
        return True

    async def one(self, selector: Mapping[str, Any]) -> dict[str, Any] | None:
        """The first stored document matching `selector`, or None."""
        return await self._collection.find_one(dict(selector))

    async def many(self, selector: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Every stored document matching `selector`."""
        return [document async for document in self._collection.find(dict(selector))]

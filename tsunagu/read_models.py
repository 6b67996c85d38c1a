"""Read models fed by events: one document per key, replaced only by a higher version.

Redeliveries and late, older events change nothing: with a newer version stored, the version
filter misses and the upsert collides with the stored `_id`. Only an insert with a unique `_id`
is relied on, which every store supports atomically.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

T = TypeVar("T")


class RecentReads(Generic[T]):
    """What was read from a read model lately, kept in memory for `seconds` (at most `limit`
    entries), so that a burst of events or calls about the same keys costs one store read.

    A change the process applies itself is seen at once (it `forget`s the key); one applied by
    another replica, which consumes other partitions of the same topic, within `seconds`.
    """

    def __init__(
        self,
        *,
        seconds: float = 2.0,
        limit: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._seconds, self._limit, self._clock = seconds, limit, clock
        self._entries: dict[str, tuple[float, T]] = {}

    def get(self, key: str) -> T | None:
        """The value read for `key` less than `seconds` ago, else None."""
        entry = self._entries.get(key)
        return entry[1] if entry is not None and entry[0] > self._clock() else None

    def put(self, key: str, value: T) -> None:
        """Keep what was just read for `key`."""
        if len(self._entries) >= self._limit:
            self._entries.clear()
        self._entries[key] = (self._clock() + self._seconds, value)

    def forget(self, key: str) -> None:
        """Drop `key`, so that the next read asks the store."""
        self._entries.pop(key, None)


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

"""Signed checkpoints in the store: one document per tree size, cosignatures beside them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

CHECKPOINTS: Final = "checkpoints"
COSIGNATURES: Final = "cosignatures"
ISSUED_AT: Final = "issued_at"
"""When a checkpoint was kept (for its age on /metrics; absent from those kept before)."""


class MongoCheckpointStore:
    """Checkpoints keyed by their tree size, so replicas never keep two for one size.

    A checkpoint is inserted and never changed; each witness's cosignature of it is a document
    of its own (`<size>:<witness key>`), so adding one never rewrites the checkpoint.
    """

    def __init__(self, *, database: AsyncDatabase[dict[str, Any]]) -> None:
        self._checkpoints = database[CHECKPOINTS]
        self._cosignatures = database[COSIGNATURES]

    async def ensure_indexes(self) -> None:
        """Create the index cosignatures are found by (idempotent)."""
        await self._cosignatures.create_index([("size", ASCENDING)])

    async def latest(self) -> str | None:
        """The signed note of the checkpoint of the largest size, if any."""
        found = await self._checkpoints.find_one({}, sort=[("_id", DESCENDING)])
        return None if found is None else str(found["note"])

    async def at(self, size: int) -> str | None:
        """The signed note of the checkpoint of this size, if one was issued."""
        found = await self._checkpoints.find_one({"_id": size})
        return None if found is None else str(found["note"])

    async def between(self, after: int, upto: int) -> list[str]:
        """The signed notes of the checkpoints of sizes in (after, upto], by size."""
        cursor = self._checkpoints.find(
            {"_id": {"$gt": after, "$lte": upto}}, sort=[("_id", ASCENDING)]
        )
        return [str(document["note"]) async for document in cursor]

    async def add(self, size: int, note: str) -> bool:
        """Keep a checkpoint; False when one of that size is already kept (it stays)."""
        try:
            await self._checkpoints.insert_one(
                {"_id": size, "note": note, ISSUED_AT: datetime.now(UTC)}
            )
        except DuplicateKeyError:
            return False
        return True

    async def add_cosignature(self, size: int, witness: str, line: str) -> None:
        """Keep a witness's cosignature line of the checkpoint of this size (its first one)."""
        try:
            await self._cosignatures.insert_one(
                {"_id": f"{size}:{witness}", "size": size, "line": line}
            )
        except DuplicateKeyError:
            return

    async def cosignatures(self, size: int) -> list[str]:
        """The cosignature lines kept for the checkpoint of this size."""
        cursor = self._cosignatures.find({"size": size}, sort=[("_id", ASCENDING)])
        return [str(document["line"]) async for document in cursor]

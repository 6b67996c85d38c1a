"""Clients and used client assertions in MongoDB."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from tsunagu.auth import Role

from ..domain import Client

# Expired assertion ids are deleted by the adapter (no TTL index asked of the store), at most
# this often, so a burst of token requests does not add a delete to each.
PURGE_SECONDS = 60.0


class MongoClientRepository:
    """One document per client; revocation sets `revoked_at` and never deletes."""

    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self._collection = collection

    async def ensure_indexes(self) -> None:
        """Create the index that lists and revokes an agency's clients."""
        await self._collection.create_index([("agency_id", ASCENDING), ("_id", ASCENDING)])

    async def add(self, client: Client) -> None:
        """Store a newly registered client."""
        await self._collection.insert_one(_to_document(client))

    async def get(self, client_id: str) -> Client | None:
        """Load one client, or None."""
        document = await self._collection.find_one({"_id": client_id})
        return None if document is None else _from_document(document)

    async def list(self, *, agency_id: str | None = None) -> list[Client]:
        """Every client (of one agency if given), in id order."""
        query = {} if agency_id is None else {"agency_id": agency_id}
        cursor = self._collection.find(query).sort("_id", ASCENDING)
        return [_from_document(d) async for d in cursor]

    async def revoke(self, client_id: str, *, at: datetime) -> bool:
        """Mark a client revoked unless it already is; False if there is no such client."""
        await self._collection.update_one(
            {"_id": client_id, "revoked_at": None}, {"$set": {"revoked_at": at}}
        )
        return await self._collection.find_one({"_id": client_id}, {"_id": 1}) is not None

    async def revoke_agency(self, agency_id: str, *, at: datetime) -> int:
        """Revoke every active client of an agency; how many were revoked."""
        result = await self._collection.update_many(
            {"agency_id": agency_id, "revoked_at": None}, {"$set": {"revoked_at": at}}
        )
        return result.modified_count


class MongoUsedAssertions:
    """Assertion ids as unique `_id`s: a second insert of the same one is a replay."""

    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self._collection = collection
        self._purged_at = float("-inf")

    async def ensure_indexes(self) -> None:
        """Index the expiry, so a purge reads only what expired."""
        await self._collection.create_index([("expires_at", ASCENDING)])

    async def first_use(self, client_id: str, jti: str, *, expires_at: datetime) -> bool:
        """Record the assertion; False if it was recorded before."""
        await self._purge_expired()
        try:
            await self._collection.insert_one(
                {"_id": f"{client_id} {jti}", "expires_at": expires_at}
            )
        except DuplicateKeyError:
            return False
        return True

    async def _purge_expired(self) -> None:
        if time.monotonic() - self._purged_at < PURGE_SECONDS:
            return
        self._purged_at = time.monotonic()
        await self._collection.delete_many({"expires_at": {"$lt": datetime.now(UTC)}})


def _to_document(client: Client) -> dict[str, Any]:
    return {
        "_id": client.client_id,
        "role": client.role.value,
        "agency_id": client.agency_id,
        "scopes": sorted(client.scopes),
        "created_at": client.created_at,
        "secret_hash": client.secret_hash,
        "public_jwk": client.public_jwk,
        "revoked_at": client.revoked_at,
    }


def _from_document(document: dict[str, Any]) -> Client:
    revoked = document.get("revoked_at")
    return Client(
        client_id=document["_id"],
        role=Role(document["role"]),
        agency_id=document.get("agency_id"),
        scopes=frozenset(document.get("scopes", [])),
        created_at=document["created_at"].astimezone(UTC),
        secret_hash=document.get("secret_hash"),
        public_jwk=document.get("public_jwk"),
        revoked_at=None if revoked is None else revoked.astimezone(UTC),
    )

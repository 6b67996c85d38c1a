"""Agencies' webhook signing secrets in MongoDB, each key sealed with AES-GCM."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bson import Binary
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from services.notifications.adapters.secret_box import SecretBox
from services.notifications.domain import SigningSecrets


class MongoSigningSecrets:
    """One document per agency: the sealed current key and, while valid, the replaced one."""

    def __init__(self, collection: AsyncCollection[dict[str, Any]], box: SecretBox) -> None:
        self._collection = collection
        self._box = box

    async def get(self, agency_id: str) -> SigningSecrets | None:
        """The agency's secrets, or None before it has any."""
        document = await self._collection.find_one({"_id": agency_id})
        return self._secrets(document) if document is not None else None

    async def add(self, secrets: SigningSecrets) -> SigningSecrets:
        """Store an agency's first secrets; if another call stored some first, return those."""
        try:
            await self._collection.insert_one(self._document(secrets))
        except DuplicateKeyError:
            stored = await self.get(secrets.agency_id)
            if stored is None:
                raise
            return stored
        return await self.get(secrets.agency_id) or secrets  # as stored, times rounded

    async def replace(self, old: SigningSecrets, new: SigningSecrets) -> bool:
        """Store `new` if `old` is still what is stored; tell whether it was."""
        result = await self._collection.replace_one(
            {"_id": old.agency_id, "created_at": old.created_at}, self._document(new)
        )
        return bool(result.modified_count)

    def _document(self, secrets: SigningSecrets) -> dict[str, Any]:
        agency_id = secrets.agency_id
        previous = secrets.previous
        return {
            "_id": agency_id,
            "current": Binary(self._box.seal(secrets.current, context=f"{agency_id}:current")),
            "created_at": secrets.created_at,
            "previous": None
            if previous is None
            else Binary(self._box.seal(previous, context=f"{agency_id}:previous")),
            "previous_until": secrets.previous_until,
        }

    def _secrets(self, document: dict[str, Any]) -> SigningSecrets:
        agency_id = document["_id"]
        sealed_previous = document.get("previous")
        previous_until: datetime | None = document.get("previous_until")
        return SigningSecrets(
            agency_id=agency_id,
            current=self._box.open(bytes(document["current"]), context=f"{agency_id}:current"),
            created_at=document["created_at"],
            previous=None
            if sealed_previous is None
            else self._box.open(bytes(sealed_previous), context=f"{agency_id}:previous"),
            previous_until=previous_until,
        )

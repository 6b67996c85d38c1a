"""The agencies' delivery preferences, kept in MongoDB from directory events."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from services.notifications.domain import AgencyContact


class MongoAgencyContacts:
    """One document per agency, replaced only by a newer directory version."""

    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self._collection = collection

    async def save_if_newer(self, contact: AgencyContact) -> bool:
        """Upsert guarded by version: an older or equal version hits the unique _id and stops."""
        fields = {
            "version": contact.version,
            "webhook_url": contact.webhook_url,
            "email": contact.email,
            "kafka": contact.kafka,
            "active": contact.active,
        }
        try:
            await self._collection.update_one(
                {"_id": contact.agency_id, "version": {"$lt": contact.version}},
                {"$set": fields},
                upsert=True,
            )
        except DuplicateKeyError:
            return False
        return True

    async def find(self, agency_ids: list[str]) -> list[AgencyContact]:
        """The known contacts among `agency_ids`."""
        cursor = self._collection.find({"_id": {"$in": agency_ids}})
        return [_contact(document) async for document in cursor]


def _contact(document: dict[str, Any]) -> AgencyContact:
    """A stored document as a domain contact."""
    return AgencyContact(
        agency_id=document["_id"],
        version=document["version"],
        webhook_url=document.get("webhook_url"),
        email=document.get("email"),
        kafka=bool(document.get("kafka")),
        active=bool(document.get("active", True)),
    )

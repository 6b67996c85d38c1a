"""The agencies' delivery preferences, kept in MongoDB from directory events."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from services.notifications.domain import AgencyContact
from tsunagu.read_models import VersionedReadModel


class MongoAgencyContacts:
    """One document per agency, replaced only by a newer directory version."""

    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self._contacts = VersionedReadModel(collection)

    async def save_if_newer(self, contact: AgencyContact) -> bool:
        """Store the contact unless a same or newer version is there; tell if it was stored."""
        fields = {
            "webhook_url": contact.webhook_url,
            "email": contact.email,
            "kafka": contact.kafka,
            "active": contact.active,
        }
        return await self._contacts.apply(contact.agency_id, contact.version, fields)

    async def find(self, agency_ids: list[str]) -> list[AgencyContact]:
        """The known contacts among `agency_ids`."""
        found = await self._contacts.many({"_id": {"$in": agency_ids}})
        return [_contact(document) for document in found]


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

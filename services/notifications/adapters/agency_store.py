"""The agencies' delivery preferences, kept in MongoDB from directory events."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from services.notifications.domain import AgencyContact
from tsunagu.read_models import RecentReads, VersionedReadModel

CACHE_SECONDS = 2.0


class MongoAgencyContacts:
    """One document per agency, replaced only by a newer directory version.

    Reads are kept in memory for `CACHE_SECONDS`, so a burst of events about the same agencies
    costs one store read. A change this process applies is seen at once; one applied by another
    replica (which consumes other partitions of the directory topic) within `CACHE_SECONDS`.
    """

    def __init__(
        self,
        collection: AsyncCollection[dict[str, Any]],
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._contacts = VersionedReadModel(collection)
        self._cached: RecentReads[AgencyContact] = RecentReads(seconds=CACHE_SECONDS, clock=clock)

    async def save_if_newer(self, contact: AgencyContact) -> bool:
        """Store the contact unless a same or newer version is there; tell if it was stored."""
        fields = {
            "webhook_url": contact.webhook_url,
            "email": contact.email,
            "kafka": contact.kafka,
            "active": contact.active,
        }
        stored = await self._contacts.apply(contact.agency_id, contact.version, fields)
        self._cached.forget(contact.agency_id)  # the next read asks the store
        return stored

    async def find(self, agency_ids: list[str]) -> list[AgencyContact]:
        """The known contacts among `agency_ids`, in that order."""
        known = {
            agency_id: contact
            for agency_id in agency_ids
            if (contact := self._cached.get(agency_id)) is not None
        }
        missing = [agency_id for agency_id in agency_ids if agency_id not in known]
        if missing:
            for document in await self._contacts.many({"_id": {"$in": missing}}):
                contact = _contact(document)
                known[contact.agency_id] = contact
                self._cached.put(contact.agency_id, contact)
        return [known[agency_id] for agency_id in agency_ids if agency_id in known]


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

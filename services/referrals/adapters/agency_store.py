"""The local directory: agencies as last announced by directory events."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from ..domain import Agency


class MongoAgencies:
    """Agencies keyed by id; a stored agency is replaced only by a higher version."""

    def __init__(self, *, collection: AsyncCollection[dict[str, Any]]) -> None:
        self._collection = collection

    async def get(self, agency_id: str) -> Agency | None:
        """The agency, or None when the directory never announced it."""
        document = await self._collection.find_one({"_id": agency_id})
        if document is None:
            return None
        return Agency.model_validate({"agency_id": document.pop("_id"), **document})

    async def named(self, name: str) -> Agency | None:
        """The active agency of that name, or None."""
        document = await self._collection.find_one({"name": name, "active": True})
        if document is None:
            return None
        return Agency.model_validate({"agency_id": document.pop("_id"), **document})

    async def apply(self, agency: Agency) -> bool:
        """Store the agency if newer than what is stored; tell whether it was applied."""
        fields = agency.model_dump(mode="json", exclude={"agency_id"})
        try:
            # The version guard makes redeliveries and late, older events change nothing:
            # with a newer version stored, the filter misses and the upsert hits the `_id`.
            await self._collection.update_one(
                {"_id": agency.agency_id, "version": {"$lt": agency.version}},
                {"$set": fields},
                upsert=True,
            )
        except DuplicateKeyError:
            return False
        return True

"""The local directory: agencies as last announced by directory events."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from tsunagu.read_models import VersionedReadModel

from ..domain import Agency


class MongoAgencies:
    """Agencies keyed by id; a stored agency is replaced only by a higher version."""

    def __init__(self, *, collection: AsyncCollection[dict[str, Any]]) -> None:
        self._agencies = VersionedReadModel(collection)

    async def get(self, agency_id: str) -> Agency | None:
        """The agency, or None when the directory never announced it."""
        return _agency(await self._agencies.one({"_id": agency_id}))

    async def apply(self, agency: Agency) -> bool:
        """Store the agency if newer than what is stored; tell whether it was applied."""
        fields = agency.model_dump(mode="json", exclude={"agency_id"})
        return await self._agencies.apply(agency.agency_id, agency.version, fields)


def _agency(document: dict[str, Any] | None) -> Agency | None:
    if document is None:
        return None
    return Agency.model_validate({"agency_id": document.pop("_id"), **document})

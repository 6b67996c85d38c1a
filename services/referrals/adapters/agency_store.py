"""The local directory: agencies as last announced by directory events."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from tsunagu.read_models import RecentReads, VersionedReadModel

from ..domain import Agency

CACHE_SECONDS = 2.0


class MongoAgencies:
    """Agencies keyed by id; a stored agency is replaced only by a higher version.

    An agency read is kept in memory for `CACHE_SECONDS` (`RecentReads`): the referrals and
    handoffs of a burst to the same agencies cost one store read."""

    def __init__(self, *, collection: AsyncCollection[dict[str, Any]]) -> None:
        self._agencies = VersionedReadModel(collection)
        self._cached: RecentReads[Agency] = RecentReads(seconds=CACHE_SECONDS)

    async def get(self, agency_id: str) -> Agency | None:
        """The agency, or None when the directory never announced it."""
        if (cached := self._cached.get(agency_id)) is not None:
            return cached  # a frozen model: shared safely
        agency = _agency(await self._agencies.one({"_id": agency_id}))
        if agency is not None:
            self._cached.put(agency_id, agency)
        return agency

    async def apply(self, agency: Agency) -> bool:
        """Store the agency if newer than what is stored; tell whether it was applied."""
        fields = agency.model_dump(mode="json", exclude={"agency_id"})
        applied = await self._agencies.apply(agency.agency_id, agency.version, fields)
        self._cached.forget(agency.agency_id)  # the next read asks the store
        return applied


def _agency(document: dict[str, Any] | None) -> Agency | None:
    if document is None:
        return None
    return Agency.model_validate({"agency_id": document.pop("_id"), **document})

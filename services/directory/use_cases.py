"""The directory's use cases: load, call the domain, save with the event, wake the relay."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import structlog

from .domain import (
    Agency,
    AgencyChange,
    AgencyNotFound,
    AgencyProfile,
    AgencySearch,
    ConcurrentUpdate,
    Taxonomy,
    UnknownCode,
    UnknownCodes,
    VersionMismatch,
    check_version,
    deactivate,
    new_agency_id,
    register,
    remove_location,
    revise,
)
from .ports import AgencyRepository, EventRelay

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class AgencyPage:
    """One page of search results and the cursor of the next one."""

    items: list[Agency]
    next_cursor: str | None


def utc_now() -> datetime:
    """The current time in UTC, to the millisecond the store keeps."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


class AgencyDirectory:
    """Registering, revising, deactivating and finding agencies."""

    def __init__(
        self,
        *,
        agencies: AgencyRepository,
        relay: EventRelay,
        taxonomy: Taxonomy,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._agencies = agencies
        self._relay = relay
        self.taxonomy = taxonomy
        self._clock = clock

    async def register(
        self,
        profile: AgencyProfile,
        *,
        agency_id: str | None = None,
        traceparent: str | None = None,
    ) -> Agency:
        """Register an agency under a fresh id, or the given one (an import), and announce it."""
        change = register(
            profile,
            agency_id=agency_id or new_agency_id(),
            taxonomy=self.taxonomy,
            now=self._clock(),
        )
        await self._agencies.add(change, traceparent=traceparent)
        self._relay.notify()
        log.info("agency registered", agency_id=change.agency.id, version=1)
        return change.agency

    async def get(self, agency_id: str) -> Agency:
        """Return one agency, active or not."""
        agency = await self._agencies.get(agency_id)
        if agency is None:
            raise AgencyNotFound(agency_id)
        return agency

    async def find(self, agency_id: str) -> Agency | None:
        """Return one agency, or None when there is none with this id."""
        return await self._agencies.get(agency_id)

    async def revise(
        self,
        agency_id: str,
        changes: dict[str, Any],
        *,
        if_match: int | None = None,
        traceparent: str | None = None,
    ) -> Agency:
        """Apply a partial revision and announce it, unless nothing changes."""
        agency = await self.get(agency_id)
        check_version(agency, if_match)
        change = revise(agency, changes, taxonomy=self.taxonomy, now=self._clock())
        return await self._save(agency, change, if_match=if_match, traceparent=traceparent)

    async def deactivate(
        self, agency_id: str, *, if_match: int | None = None, traceparent: str | None = None
    ) -> Agency:
        """Deactivate an agency and announce it; an inactive agency stays as it is."""
        agency = await self.get(agency_id)
        check_version(agency, if_match)
        change = deactivate(agency, now=self._clock())
        return await self._save(agency, change, if_match=if_match, traceparent=traceparent)

    async def remove_location(
        self, agency_id: str, location_id: str, *, traceparent: str | None = None
    ) -> Agency:
        """Remove one of the agency's locations, hidden or not, and announce the change."""
        agency = await self.get(agency_id)
        change = remove_location(agency, location_id, now=self._clock())
        return await self._save(agency, change, if_match=None, traceparent=traceparent)

    async def search(
        self,
        *,
        category: str | None = None,
        area: str | None = None,
        accepting: bool | None = None,
        language: str | None = None,
        text: str | None = None,
        include_inactive: bool = False,
        limit: int = 50,
        cursor: str | None = None,
    ) -> AgencyPage:
        """Find agencies with a service matching the criteria, one page at a time."""
        self._require_known_filters(category=category, area=area)
        search = AgencySearch(
            category=category,
            areas=self.taxonomy.areas_serving(area) if area else (),
            accepting=accepting,
            language=language or None,
            text=text or None,
            include_inactive=include_inactive,
        )
        found = await self._agencies.search(search, limit=limit + 1, after=cursor)
        items = found[:limit]
        next_cursor = items[-1].id if len(found) > limit else None
        return AgencyPage(items=items, next_cursor=next_cursor)

    async def _save(
        self,
        agency: Agency,
        change: AgencyChange | None,
        *,
        if_match: int | None,
        traceparent: str | None,
    ) -> Agency:
        if change is None:
            return agency
        saved = await self._agencies.save(
            change, expected_version=agency.version, traceparent=traceparent
        )
        if not saved:
            if if_match is not None:
                current = await self.get(agency.id)
                raise VersionMismatch(expected=if_match, current=current.version)
            raise ConcurrentUpdate(agency.id)
        self._relay.notify()
        log.info(
            "agency changed",
            agency_id=agency.id,
            version=change.agency.version,
            event_type=change.event_type,
        )
        return change.agency

    def _require_known_filters(self, *, category: str | None, area: str | None) -> None:
        unknown: list[UnknownCode] = []
        if category and not self.taxonomy.has_category(category):
            unknown.append(UnknownCode("query.category", category, "category"))
        if area and not self.taxonomy.has_area(area):
            unknown.append(UnknownCode("query.area", area, "area"))
        if unknown:
            raise UnknownCodes(unknown)

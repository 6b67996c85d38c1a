"""Registering, revising, deactivating and finding agencies: load, decide, save, wake the relay."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import structlog

from ..domain import (
    Agency,
    AgencyChange,
    AgencyNotFound,
    AgencyProfile,
    AgencySearch,
    ConcurrentUpdate,
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
from ..ports import Ports

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class AgencyPage:
    """One page of search results and the cursor of the next one."""

    items: list[Agency]
    next_cursor: str | None


async def register_agency(
    ports: Ports,
    profile: AgencyProfile,
    *,
    agency_id: str | None = None,
    traceparent: str | None = None,
) -> Agency:
    """Register an agency under a fresh id, or the given one (an import), and announce it."""
    await _check_webhook(ports, profile.delivery.webhook_url)
    change = register(
        profile,
        agency_id=agency_id or new_agency_id(),
        taxonomy=ports.taxonomy,
        now=ports.clock.now(),
    )
    await ports.agencies.add(change, traceparent=traceparent)
    ports.relay.notify()
    log.info("agency registered", agency_id=change.agency.id, version=1)
    return change.agency


async def get_agency(ports: Ports, agency_id: str) -> Agency:
    """Return one agency, active or not."""
    agency = await ports.agencies.get(agency_id)
    if agency is None:
        raise AgencyNotFound(agency_id)
    return agency


async def find_agency(ports: Ports, agency_id: str) -> Agency | None:
    """Return one agency, or None when there is none with this id."""
    return await ports.agencies.get(agency_id)


async def revise_agency(
    ports: Ports,
    agency_id: str,
    changes: dict[str, Any],
    *,
    if_match: int | None = None,
    traceparent: str | None = None,
) -> Agency:
    """Apply a partial revision and announce it, unless nothing changes."""
    agency = await get_agency(ports, agency_id)
    check_version(agency, if_match)
    change = revise(agency, changes, taxonomy=ports.taxonomy, now=ports.clock.now())
    if change is not None and change.agency.delivery.webhook_url != agency.delivery.webhook_url:
        await _check_webhook(ports, change.agency.delivery.webhook_url)
    return await _save(ports, agency, change, if_match=if_match, traceparent=traceparent)


async def deactivate_agency(
    ports: Ports, agency_id: str, *, if_match: int | None = None, traceparent: str | None = None
) -> Agency:
    """Deactivate an agency, announce it and revoke its clients; an inactive one stays as is."""
    agency = await get_agency(ports, agency_id)
    check_version(agency, if_match)
    change = deactivate(agency, now=ports.clock.now())
    saved = await _save(ports, agency, change, if_match=if_match, traceparent=traceparent)
    if ports.credentials is not None:
        revoked = await ports.credentials.revoke_agency(agency_id)
        log.info("agency clients revoked", agency_id=agency_id, clients=revoked)
    return saved


async def remove_agency_location(
    ports: Ports,
    agency_id: str,
    location_id: str,
    *,
    if_match: int | None = None,
    traceparent: str | None = None,
) -> Agency:
    """Remove one of the agency's locations, hidden or not, and announce the change."""
    agency = await get_agency(ports, agency_id)
    check_version(agency, if_match)
    change = remove_location(agency, location_id, now=ports.clock.now())
    return await _save(ports, agency, change, if_match=if_match, traceparent=traceparent)


async def search_agencies(
    ports: Ports,
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
    _require_known_filters(ports, category=category, area=area)
    search = AgencySearch(
        category=category,
        areas=ports.taxonomy.areas_serving(area) if area else (),
        accepting=accepting,
        language=language or None,
        text=text or None,
        include_inactive=include_inactive,
    )
    found = await ports.agencies.search(search, limit=limit + 1, after=cursor)
    items = found[:limit]
    next_cursor = items[-1].id if len(found) > limit else None
    return AgencyPage(items=items, next_cursor=next_cursor)


async def _check_webhook(ports: Ports, url: str | None) -> None:
    """Refuse a webhook URL this environment may not call (WebhookRefused)."""
    if url is not None:
        await ports.webhooks.check(url)


async def _save(
    ports: Ports,
    agency: Agency,
    change: AgencyChange | None,
    *,
    if_match: int | None,
    traceparent: str | None,
) -> Agency:
    if change is None:
        return agency
    saved = await ports.agencies.save(
        change, expected_version=agency.version, traceparent=traceparent
    )
    if not saved:
        if if_match is not None:
            current = await get_agency(ports, agency.id)
            raise VersionMismatch(expected=if_match, current=current.version)
        raise ConcurrentUpdate(agency.id)
    ports.relay.notify()
    log.info(
        "agency changed",
        agency_id=agency.id,
        version=change.agency.version,
        event_type=change.event_type,
    )
    return change.agency


def _require_known_filters(ports: Ports, *, category: str | None, area: str | None) -> None:
    unknown: list[UnknownCode] = []
    if category and not ports.taxonomy.has_category(category):
        unknown.append(UnknownCode("query.category", category, "category"))
    if area and not ports.taxonomy.has_area(area):
        unknown.append(UnknownCode("query.area", area, "area"))
    if unknown:
        raise UnknownCodes(unknown)

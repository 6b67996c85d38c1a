"""An agency of the network, the changes it goes through and the events they produce."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from tsunagu_schemas import AgencyDeliveryData, AgencyEventData, AgencyKind, DeliveryPreferences
from tsunagu_schemas.agency import AGENCY_DEACTIVATED, AGENCY_REGISTERED, AGENCY_UPDATED
from tsunagu_schemas.bounds import MAX_ITEMS

from .details import Contact, Location, Service
from .errors import AgencyInactive, LocationNotFound, UnknownCodes, VersionMismatch
from .taxonomy import Taxonomy

ID_PREFIX = "agc_"
AGENCY_ID = r"^agc_[0-9a-f]{12}$"


class AgencyProfile(BaseModel):
    """What an agency says about itself: everything it may register and revise."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=200)
    kind: AgencyKind
    description: str | None = Field(default=None, max_length=4000)
    services: list[Service] = Field(min_length=1, max_length=MAX_ITEMS)
    locations: list[Location] = Field(default_factory=list, max_length=MAX_ITEMS)
    contacts: list[Contact] = Field(default_factory=list, max_length=MAX_ITEMS)
    delivery: DeliveryPreferences = Field(default_factory=DeliveryPreferences)

    @field_validator("locations")
    @classmethod
    def _distinct_visible_first(cls, locations: list[Location]) -> list[Location]:
        ids = [location.id for location in locations]
        if len(set(ids)) != len(ids):
            raise ValueError("location ids must be distinct")
        # One order for equal lists, so that keeping hidden locations is not a change.
        return sorted(locations, key=lambda location: location.hidden)


class Agency(AgencyProfile):
    """An agency as the directory holds it: its profile, identity, version and state."""

    id: str
    version: int = Field(ge=1)
    active: bool = True
    registered_at: datetime
    updated_at: datetime

    @property
    def profile(self) -> AgencyProfile:
        """The revisable part of the agency."""
        return AgencyProfile.model_validate(self.model_dump(include=_PROFILE_FIELDS))

    @property
    def visible_locations(self) -> list[Location]:
        """The locations anyone may see: every one that is not hidden."""
        return [location for location in self.locations if not location.hidden]

    def public_entry(self) -> AgencyEventData:
        """The directory entry others may see in events: no contacts, locations or delivery."""
        return AgencyEventData(
            agency_id=self.id,
            version=self.version,
            name=self.name,
            kind=self.kind,
            description=self.description,
            services=[service.entry() for service in self.services],
            active=self.active,
            occurred_at=self.updated_at,
        )


_PROFILE_FIELDS = set(AgencyProfile.model_fields)


@dataclass(frozen=True)
class AgencyChange:
    """An agency after a change, with the type of the event that announces it."""

    agency: Agency
    event_type: str
    before: Agency | None = None
    """The agency before the change; None for a registration."""

    @property
    def event_data(self) -> AgencyEventData:
        """The data of the event announcing the change."""
        return self.agency.public_entry()

    @property
    def delivery_data(self) -> AgencyDeliveryData | None:
        """The delivery settings to announce to notifications, when the change touched them
        (a registration, new settings, or the agency's deactivation); None otherwise."""
        agency, before = self.agency, self.before
        if before is not None and (before.delivery, before.active) == (
            agency.delivery,
            agency.active,
        ):
            return None
        return AgencyDeliveryData(
            agency_id=agency.id,
            version=agency.version,
            delivery=agency.delivery,
            active=agency.active,
            occurred_at=agency.updated_at,
        )


def new_agency_id() -> str:
    """Return a fresh agency id such as `agc_3f9a0c12d4e5`."""
    return ID_PREFIX + secrets.token_hex(6)


def register(
    profile: AgencyProfile, *, agency_id: str, taxonomy: Taxonomy, now: datetime
) -> AgencyChange:
    """Register a new agency at version 1, refusing codes the taxonomy does not know."""
    _require_known_codes(profile, taxonomy)
    agency = Agency(
        **profile.model_dump(), id=agency_id, version=1, registered_at=now, updated_at=now
    )
    return AgencyChange(agency, AGENCY_REGISTERED)


def revise(
    agency: Agency, changes: dict[str, Any], *, taxonomy: Taxonomy, now: datetime
) -> AgencyChange | None:
    """Apply a partial revision; return None when nothing actually changes.

    Lists are replaced whole, except that hidden locations the new list does not name by id
    are kept: nobody sees them, so nobody can be expected to send them back.
    """
    if not agency.active:
        raise AgencyInactive(agency.id)
    current = agency.profile
    given = {field: _as_data(value) for field, value in changes.items()}
    if "locations" in given:
        given["locations"] = _keeping_hidden(agency.locations, given["locations"])
    revised = AgencyProfile.model_validate({**current.model_dump(), **given})
    if revised == current:
        return None
    if revised.services != current.services:
        _require_known_codes(revised, taxonomy)
    updated = agency.model_copy(
        update={**dict(revised), "version": agency.version + 1, "updated_at": now}
    )
    return AgencyChange(updated, AGENCY_UPDATED, before=agency)


def remove_location(agency: Agency, location_id: str, *, now: datetime) -> AgencyChange:
    """Remove one location, hidden or not, by its id."""
    if not agency.active:
        raise AgencyInactive(agency.id)
    remaining = [location for location in agency.locations if location.id != location_id]
    if len(remaining) == len(agency.locations):
        raise LocationNotFound(agency.id, location_id)
    updated = agency.model_copy(
        update={"locations": remaining, "version": agency.version + 1, "updated_at": now}
    )
    return AgencyChange(updated, AGENCY_UPDATED, before=agency)


def deactivate(agency: Agency, *, now: datetime) -> AgencyChange | None:
    """Deactivate an agency, keeping its history; None when it already is inactive."""
    if not agency.active:
        return None
    updated = agency.model_copy(
        update={"active": False, "version": agency.version + 1, "updated_at": now}
    )
    return AgencyChange(updated, AGENCY_DEACTIVATED, before=agency)


def check_version(agency: Agency, expected: int | None) -> None:
    """Refuse to act on an agency whose version is not the one the caller last saw."""
    if expected is not None and expected != agency.version:
        raise VersionMismatch(expected=expected, current=agency.version)


def _require_known_codes(profile: AgencyProfile, taxonomy: Taxonomy) -> None:
    unknown = taxonomy.unknown_in(profile.services, prefix="services")
    if unknown:
        raise UnknownCodes(unknown)


def _as_data(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump()
    if isinstance(value, list):
        return [_as_data(item) for item in value]
    return value


def _keeping_hidden(stored: list[Location], given: Any) -> Any:
    if not isinstance(given, list):
        return given  # validation will say what is wrong
    named = {str(item.get("id")).lower() for item in given if isinstance(item, dict)}
    kept = [location.model_dump() for location in stored if location.hidden]
    return [*given, *(location for location in kept if location["id"] not in named)]

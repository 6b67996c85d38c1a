"""An agency of the network, the changes it goes through and the events they produce."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from tsunagu_schemas import AgencyEventData, AgencyKind, DeliveryPreferences, ServiceEntry
from tsunagu_schemas.agency import AGENCY_DEACTIVATED, AGENCY_REGISTERED, AGENCY_UPDATED

from .errors import AgencyInactive, UnknownCodes, VersionMismatch
from .taxonomy import Taxonomy

ID_PREFIX = "agc_"


class Contact(BaseModel):
    """A person to reach at the agency; never part of an event."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    role: str | None = None
    phone: str | None = None
    email: str | None = None


class AgencyProfile(BaseModel):
    """What an agency says about itself: everything it may register and revise."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=200)
    kind: AgencyKind
    description: str | None = Field(default=None, max_length=4000)
    services: list[ServiceEntry] = Field(min_length=1)
    contacts: list[Contact] = Field(default_factory=list)
    delivery: DeliveryPreferences = Field(default_factory=DeliveryPreferences)


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

    def public_entry(self) -> AgencyEventData:
        """The directory entry others may see in events: no contacts."""
        return AgencyEventData(
            agency_id=self.id,
            version=self.version,
            name=self.name,
            kind=self.kind,
            description=self.description,
            services=self.services,
            delivery=self.delivery,
            active=self.active,
            occurred_at=self.updated_at,
        )


_PROFILE_FIELDS = set(AgencyProfile.model_fields)


@dataclass(frozen=True)
class AgencyChange:
    """An agency after a change, with the type of the event that announces it."""

    agency: Agency
    event_type: str

    @property
    def event_data(self) -> AgencyEventData:
        """The data of the event announcing the change."""
        return self.agency.public_entry()


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
    """Apply a partial revision; return None when nothing actually changes."""
    if not agency.active:
        raise AgencyInactive(agency.id)
    current = agency.profile
    revised = AgencyProfile.model_validate({**current.model_dump(), **changes})
    if revised == current:
        return None
    if revised.services != current.services:
        _require_known_codes(revised, taxonomy)
    updated = agency.model_copy(
        update={**dict(revised), "version": agency.version + 1, "updated_at": now}
    )
    return AgencyChange(updated, AGENCY_UPDATED)


def deactivate(agency: Agency, *, now: datetime) -> AgencyChange | None:
    """Deactivate an agency, keeping its history; None when it already is inactive."""
    if not agency.active:
        return None
    updated = agency.model_copy(
        update={"active": False, "version": agency.version + 1, "updated_at": now}
    )
    return AgencyChange(updated, AGENCY_DEACTIVATED)


def check_version(agency: Agency, expected: int | None) -> None:
    """Refuse to act on an agency whose version is not the one the caller last saw."""
    if expected is not None and expected != agency.version:
        raise VersionMismatch(expected=expected, current=agency.version)


def _require_known_codes(profile: AgencyProfile, taxonomy: Taxonomy) -> None:
    unknown = taxonomy.unknown_in(profile.services, prefix="services")
    if unknown:
        raise UnknownCodes(unknown)

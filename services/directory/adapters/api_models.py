"""Request and response bodies of the directory's HTTP API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from tsunagu.auth import Principal, Role
from tsunagu_schemas import AgencyKind, DeliveryPreferences
from tsunagu_schemas.bounds import MAX_ITEMS

from ..domain import Address, Agency, AgencyProfile, Contact, Location, Service, TaxonomyCode

REQUIRED_WHEN_GIVEN = ("name", "kind", "services", "locations", "contacts", "delivery")


class AgencyRegistration(AgencyProfile):
    """Body of a registration: the agency's profile."""


class AgencyRevision(BaseModel):
    """Body of a revision: only the fields given are changed; lists are replaced whole."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=200)
    kind: AgencyKind | None = None
    description: str | None = Field(default=None, max_length=4000)
    services: list[Service] | None = Field(default=None, min_length=1, max_length=MAX_ITEMS)
    locations: list[Location] | None = Field(
        default=None,
        max_length=MAX_ITEMS,
        description="Replaces the locations; hidden ones not named here by id are kept.",
    )
    contacts: list[Contact] | None = Field(default=None, max_length=MAX_ITEMS)
    delivery: DeliveryPreferences | None = None

    @field_validator(*REQUIRED_WHEN_GIVEN, mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("may be omitted, but not null")
        return value

    def changes(self) -> dict[str, Any]:
        """The fields the caller gave, ready for the domain."""
        return {f: getattr(self, f) for f in self.model_fields_set}


class LocationView(BaseModel):
    """A location as the directory shows it (hidden locations never are)."""

    id: str
    name: str
    description: str | None
    address: Address

    @classmethod
    def of(cls, location: Location) -> LocationView:
        """The view of a visible location."""
        return cls.model_validate(location.model_dump(exclude={"hidden"}))


class AgencyView(BaseModel):
    """An agency as the directory shows it."""

    id: str = Field(examples=["agc_3f9a0c12d4e5"])
    version: int = Field(description="Increments on each change; also the ETag.")
    active: bool
    name: str
    kind: AgencyKind
    description: str | None
    services: list[Service]
    locations: list[LocationView] = Field(description="Only the locations that are not hidden.")
    contacts: list[Contact] | None = Field(
        description="The staff contacts, shown to members of the network (agencies and the "
        "coordinator) only; null for operators and auditors."
    )
    delivery: DeliveryPreferences | None = Field(
        description="How the agency is told of referrals, shown to the agency itself and the "
        "coordinator only; null for everyone else."
    )
    registered_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, agency: Agency, viewer: Principal) -> AgencyView:
        """The view of a domain agency for `viewer`: never its hidden locations, its contacts
        only for members, its delivery settings only for itself and the coordinator."""
        fields = agency.model_dump(exclude={"locations"})
        locations = [LocationView.of(location) for location in agency.visible_locations]
        if not sees_contacts(viewer):
            fields["contacts"] = None
        if not sees_delivery(viewer, agency.id):
            fields["delivery"] = None
        return cls.model_validate({**fields, "locations": locations})


MEMBERS = frozenset({Role.AGENCY, Role.COORDINATOR})


def sees_contacts(viewer: Principal) -> bool:
    """Whether the viewer may see agencies' staff contacts: members of the network only."""
    return viewer.role in MEMBERS


def sees_delivery(viewer: Principal, agency_id: str) -> bool:
    """Whether the viewer may see an agency's delivery settings: itself and the coordinator."""
    return viewer.role is Role.COORDINATOR or viewer.acts_for(agency_id)


class AgencyList(BaseModel):
    """One page of agencies."""

    items: list[AgencyView]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page.")


class CodeView(BaseModel):
    """A taxonomy code with its labels."""

    code: str
    label_ja: str
    label_en: str

    @classmethod
    def of(cls, code: TaxonomyCode) -> CodeView:
        """The view of a taxonomy code."""
        return cls(code=code.code, label_ja=code.label_ja, label_en=code.label_en)


class CodeList(BaseModel):
    """Every code of one taxonomy list."""

    items: list[CodeView]

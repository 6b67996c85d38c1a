"""The details of an agency's entry: its services and their hours, its places and its people."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from tsunagu_schemas import ServiceEntry
from tsunagu_schemas.bounds import MAX_ITEMS, EmailAddress, LongText, Name, ShortText

Weekday = Literal["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
WEEKDAYS: tuple[Weekday, ...] = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
CLOCK_TIME = r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$"
EMAIL = r"^[^@\s]+@[^@\s]+$"

_ENTRY_FIELDS = set(ServiceEntry.model_fields)


class Contact(BaseModel):
    """A person to reach at the agency; never part of an event."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Name
    role: ShortText | None = None
    phone: Annotated[str, Field(max_length=40)] | None = None
    email: EmailAddress | None = None


class Schedule(BaseModel):
    """Weekly opening hours of a service, in the city's local time."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    days: list[Weekday] = Field(min_length=1, max_length=7, description="iCalendar weekday codes.")
    opens_at: str = Field(pattern=CLOCK_TIME, max_length=5, examples=["09:00"])
    closes_at: str = Field(
        pattern=CLOCK_TIME,
        max_length=5,
        examples=["17:00"],
        description="`24:00` for midnight; earlier than `opens_at` for overnight hours.",
    )
    description: LongText | None = None

    @field_validator("days")
    @classmethod
    def _week_order(cls, days: list[Weekday]) -> list[Weekday]:
        return [day for day in WEEKDAYS if day in days]


class Service(ServiceEntry):
    """A service as the directory holds it: the public entry plus eligibility and hours."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    eligibility_description: str | None = Field(default=None, max_length=4000)
    capacity: int | None = Field(
        default=None,
        ge=0,
        description="How many more people the service can take now; omitted when not counted.",
    )
    schedules: list[Schedule] = Field(default_factory=list, max_length=MAX_ITEMS)

    def entry(self) -> ServiceEntry:
        """The part of the service that events carry."""
        return ServiceEntry.model_validate(self.model_dump(include=_ENTRY_FIELDS))


class Address(BaseModel):
    """A postal address in the city."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    address_1: Name = Field(description="Block, number and building.")
    address_2: ShortText | None = None
    city: Name
    state_province: Name = Field(description="Prefecture.")
    postal_code: Annotated[str, Field(min_length=1, max_length=20)]
    country: str = Field(default="JP", pattern=r"^[A-Z]{2}$", max_length=2)


def new_location_id() -> str:
    """Return a fresh location id (a UUID, as Open Referral HSDS identifies locations)."""
    return str(uuid.uuid4())


class Location(BaseModel):
    """A place where the agency works; a hidden one is kept but never shown or exported."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(max_length=36)] = Field(
        default_factory=new_location_id, description="A UUID; assigned if omitted."
    )
    name: Name
    description: LongText | None = None
    address: Address
    hidden: bool = Field(
        default=False,
        description="Never returned by any route, exported or put in an event (e.g. a shelter).",
    )

    @field_validator("id")
    @classmethod
    def _canonical_uuid(cls, value: str) -> str:
        return str(uuid.UUID(value))

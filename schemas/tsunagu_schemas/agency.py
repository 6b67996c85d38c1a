"""Data of directory events: an agency's public directory entry."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Final

from pydantic import BaseModel, ConfigDict, Field

from .bounds import MAX_ITEMS, Code, EmailAddress, Language, LongText, Name, Url

AGENCY_REGISTERED: Final = "tsunagu.agency.registered"
AGENCY_UPDATED: Final = "tsunagu.agency.updated"
AGENCY_DEACTIVATED: Final = "tsunagu.agency.deactivated"

AGENCY_EVENT_TYPES: Final = (AGENCY_REGISTERED, AGENCY_UPDATED, AGENCY_DEACTIVATED)
AGENCY_DELIVERY_SET: Final = "tsunagu.agency.delivery_set"
AGENCY_DELIVERY_TYPES: Final = (AGENCY_DELIVERY_SET,)


class AgencyKind(StrEnum):
    """Legal form of an agency."""

    NPO = "npo"
    MUNICIPAL = "municipal"
    SOCIAL_WELFARE_CORPORATION = "social_welfare_corporation"
    OTHER = "other"


class ServiceEntry(BaseModel):
    """One service an agency offers, as listed in the directory."""

    model_config = ConfigDict(frozen=True)

    name: Name
    categories: list[Code] = Field(
        min_length=1, max_length=MAX_ITEMS, description="Category codes."
    )
    areas: list[Code] = Field(min_length=1, max_length=MAX_ITEMS, description="Area codes served.")
    languages: list[Language] = Field(
        default_factory=list, max_length=MAX_ITEMS, description="BCP 47 tags."
    )
    accepting_referrals: bool = True
    description: LongText | None = None


class DeliveryPreferences(BaseModel):
    """How an agency wants to be told about the referrals it is party to."""

    model_config = ConfigDict(frozen=True)

    webhook_url: Url | None = None
    email: EmailAddress | None = None
    kafka: bool = False


class AgencyEventData(BaseModel):
    """The public directory entry of an agency after the change (no contacts, no delivery
    settings: those travel only to the notifications service, as `AgencyDeliveryData`)."""

    model_config = ConfigDict(frozen=True)

    agency_id: str = Field(min_length=1)
    version: int = Field(ge=1)
    name: str = Field(min_length=1)
    kind: AgencyKind
    description: str | None = None
    services: list[ServiceEntry] = Field(default_factory=list)
    delivery: DeliveryPreferences = Field(
        default_factory=DeliveryPreferences,
        json_schema_extra={"deprecated": True},
        description="Always empty: delivery settings travel on the delivery topic only.",
    )
    active: bool = True
    occurred_at: datetime


class AgencyDeliveryData(BaseModel):
    """How an agency wants to be told, as of one directory version (read by notifications only)."""

    model_config = ConfigDict(frozen=True)

    agency_id: str = Field(min_length=1)
    version: int = Field(ge=1, description="The agency's directory version.")
    delivery: DeliveryPreferences = Field(default_factory=DeliveryPreferences)
    active: bool = True
    occurred_at: datetime

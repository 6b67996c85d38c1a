"""Data of the event recording that an agency was shown a person's data: who, when, which
referral, through which route; never the data itself."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Final

from pydantic import BaseModel, ConfigDict, Field

SUBJECT_VIEWED: Final = "tsunagu.referral.subject_viewed"

SUBJECT_VIEW_EVENT_TYPES: Final = (SUBJECT_VIEWED,)


class ViewPurpose(StrEnum):
    """Why the person's data was shown."""

    READ = "read"
    """An agency read the referral (`GET /v1/referrals/{referral_id}`)."""


class SubjectViewedData(BaseModel):
    """One read of the person's data of a referral by an agency."""

    model_config = ConfigDict(frozen=True)

    referral_id: str = Field(min_length=1)
    version: int = Field(ge=1, description="Version of the referral that was shown.")
    actor_agency_id: str = Field(min_length=1, description="Agency that was shown the data.")
    standing: str = Field(
        min_length=1,
        description="Why it could see the data: holder, asked or follower (docs/privacy.md).",
    )
    purpose: ViewPurpose
    route: str = Field(min_length=1, description="The HTTP route, as its template (no ids).")
    occurred_at: datetime

"""The person referred: personal data that never leaves the service in an event or a log."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from tsunagu_schemas import ErasureReason
from tsunagu_schemas.bounds import MAX_ITEMS, Code, Language


class Subject(BaseModel):
    """The person referred: personal data, shown only to agencies party to the referral."""

    model_config = ConfigDict(extra="forbid")

    display_name: str = Field(min_length=1, max_length=200)
    contact: str | None = Field(default=None, max_length=200)
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    languages: list[Language] = Field(
        default_factory=list, max_length=MAX_ITEMS, description="BCP 47 tags."
    )
    area: Code | None = Field(default=None, description="Area code where the person lives.")


class Erasure(BaseModel):
    """When, by whom and why the person's data of a referral was erased (never the data)."""

    model_config = ConfigDict(frozen=True)

    at: datetime
    by: str = Field(description="The agency, the coordinator client or the service that erased.")
    reason: ErasureReason

"""The record of one read of a person's data: who was shown it, when, of which referral, why."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from tsunagu_schemas import SubjectViewedData, ViewPurpose

from .referral import Referral
from .visibility import Standing, Visibility

READ_ROUTE = "GET /v1/referrals/{referral_id}"
"""The route whose answers carry the person's data (lists never do; see docs/privacy.md)."""


class SubjectView(BaseModel):
    """One read of a referral's person's data by an agency; holds no personal data."""

    model_config = ConfigDict(frozen=True)

    event_id: str | None = None
    """The id of its event (given when it is stored), to find its audit record."""
    referral_id: str
    version: int
    agency_id: str
    standing: Standing
    purpose: ViewPurpose
    route: str
    viewed_at: datetime

    def event_data(self) -> SubjectViewedData:
        """The data of the `tsunagu.referral.subject_viewed` event recording this read."""
        return SubjectViewedData(
            referral_id=self.referral_id,
            version=self.version,
            actor_agency_id=self.agency_id,
            standing=self.standing.value,
            purpose=self.purpose,
            route=self.route,
            occurred_at=self.viewed_at,
        )


def subject_view(
    referral: Referral,
    seen: Visibility,
    *,
    agency_id: str,
    route: str,
    now: datetime,
) -> SubjectView | None:
    """The record a read must leave when it shows the person's data, or None when it does not."""
    if not seen.subject:
        return None
    return SubjectView(
        referral_id=referral.id,
        version=referral.version,
        agency_id=agency_id,
        standing=seen.standing,
        purpose=ViewPurpose.READ,
        route=route,
        viewed_at=now,
    )

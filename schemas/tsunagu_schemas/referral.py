"""Data of referral events: ids, agencies, needs and states, never personal data."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Final

from pydantic import BaseModel, ConfigDict, Field


class Urgency(StrEnum):
    """How soon the asked agency must act."""

    ROUTINE = "routine"
    URGENT = "urgent"
    EMERGENCY = "emergency"


class ReferralStatus(StrEnum):
    """States of a referral's current leg (after FHIR Task)."""

    REQUESTED = "requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class DeclineReason(StrEnum):
    """Why an asked agency declined."""

    NO_CAPACITY = "no_capacity"
    OUT_OF_SCOPE = "out_of_scope"
    SUBJECT_DECLINED = "subject_declined"
    OTHER = "other"


class CloseOutcome(StrEnum):
    """How a person's journey ended."""

    RESOLVED = "resolved"
    WITHDRAWN = "withdrawn"
    UNREACHABLE = "unreachable"
    MOVED = "moved"
    OTHER = "other"


class CancelReason(StrEnum):
    """Why the holder withdrew a request before it was accepted."""

    SENT_IN_ERROR = "sent_in_error"
    SUBJECT_WITHDREW = "subject_withdrew"
    DUPLICATE = "duplicate"
    OTHER = "other"


class HandoffReason(StrEnum):
    """Why the holder hands a case on."""

    NEEDS_OTHER_SUPPORT = "needs_other_support"
    DECLINED_ELSEWHERE = "declined_elsewhere"
    SUBJECT_MOVED = "subject_moved"
    OTHER = "other"


class ErasureReason(StrEnum):
    """Why the person's data of a referral was erased (its data key destroyed)."""

    SUBJECT_REQUEST = "subject_request"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    NO_LONGER_NEEDED = "no_longer_needed"
    RECORDED_IN_ERROR = "recorded_in_error"
    RETENTION = "retention"
    OTHER = "other"


REFERRAL_CREATED: Final = "tsunagu.referral.created"
REFERRAL_ACCEPTED: Final = "tsunagu.referral.accepted"
REFERRAL_DECLINED: Final = "tsunagu.referral.declined"
REFERRAL_HANDED_OFF: Final = "tsunagu.referral.handed_off"
REFERRAL_CLOSED: Final = "tsunagu.referral.closed"
REFERRAL_CANCELLED: Final = "tsunagu.referral.cancelled"
REFERRAL_SLA_BREACHED: Final = "tsunagu.referral.sla_breached"
REFERRAL_SUBJECT_ERASED: Final = "tsunagu.referral.subject_erased"
"""The person's data of the referral was erased: every party must erase its copy."""
REFERRAL_SUBJECT_CORRECTED: Final = "tsunagu.referral.subject_corrected"
"""Fields of the person's data were corrected: parties holding a copy should read it again."""

REFERRAL_EVENT_TYPES: Final = (
    REFERRAL_CREATED,
    REFERRAL_ACCEPTED,
    REFERRAL_DECLINED,
    REFERRAL_HANDED_OFF,
    REFERRAL_CLOSED,
    REFERRAL_CANCELLED,
    REFERRAL_SLA_BREACHED,
    REFERRAL_SUBJECT_ERASED,
    REFERRAL_SUBJECT_CORRECTED,
)


class ReferralEventData(BaseModel):
    """What every referral event says about the referral after the change."""

    model_config = ConfigDict(frozen=True)

    referral_id: str = Field(min_length=1)
    version: int = Field(ge=1, description="Version of the referral after this change.")
    leg: int = Field(ge=1, description="Number of the current leg, counted from 1.")
    from_agency_id: str = Field(min_length=1, description="Agency holding the case.")
    to_agency_id: str = Field(min_length=1, description="Agency asked to help.")
    needs: list[str] = Field(min_length=1, description="Need category codes.")
    urgency: Urgency
    status: ReferralStatus
    reason: str | None = Field(default=None, description="Code from a closed list, if any.")
    outcome: CloseOutcome | None = None
    actor_agency_id: str = Field(min_length=1, description="Agency that made the change.")
    parties: list[str] = Field(
        default_factory=list,
        description="Every agency party to the referral (current and earlier legs). Only on "
        "the referral topic: a copy delivered to an agency names only the current leg's "
        "agencies and the recipient.",
    )
    audience: list[str] | None = Field(
        default=None,
        description="The agencies to tell of this change: those that may see the person's "
        "data now and the two agencies of the current leg. Absent on events written before "
        "it was kept: then every party is told.",
    )
    accept_by: datetime | None = Field(
        default=None, description="Deadline for the asked agency to accept the current leg."
    )
    escalated_to: str | None = Field(
        default=None, description="Coordinator agency told of an SLA breach, if any."
    )
    corrected_fields: list[str] | None = Field(
        default=None,
        description="On `subject_corrected`: the names of the person's data fields replaced "
        "(e.g. `subject.contact`, `note`), never their values.",
    )
    occurred_at: datetime

"""Tsunagu's event contracts: CloudEvents envelope, event data models and topic names."""

from .agency import (
    AgencyDeliveryData,
    AgencyEventData,
    AgencyKind,
    DeliveryPreferences,
    ServiceEntry,
)
from .catalog import KINDS, EventKind, UnknownEventType, kind_of, kind_of_topic, source
from .envelope import CloudEventAttributes, EnvelopeError, format_time
from .notification import Channel, NotificationEventData
from .referral import (
    CancelReason,
    CloseOutcome,
    DeclineReason,
    ErasureReason,
    HandoffReason,
    ReferralEventData,
    ReferralStatus,
    Urgency,
)
from .subject_view import SubjectViewedData, ViewPurpose

__all__ = [
    "KINDS",
    "AgencyDeliveryData",
    "AgencyEventData",
    "AgencyKind",
    "CancelReason",
    "Channel",
    "CloseOutcome",
    "CloudEventAttributes",
    "DeclineReason",
    "DeliveryPreferences",
    "EnvelopeError",
    "ErasureReason",
    "EventKind",
    "HandoffReason",
    "NotificationEventData",
    "ReferralEventData",
    "ReferralStatus",
    "ServiceEntry",
    "SubjectViewedData",
    "UnknownEventType",
    "Urgency",
    "ViewPurpose",
    "format_time",
    "kind_of",
    "kind_of_topic",
    "source",
]

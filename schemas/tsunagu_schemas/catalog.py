"""Which event types exist, on which topic they travel and what their data looks like."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from pydantic import BaseModel

from . import agency, notification, referral, subject_view, topics

SCHEMA_VERSION: Final = "v1"
DATASCHEMA_BASE: Final = "https://schemas.tsunagu.org/v1"
SOURCE_BASE: Final = "urn:tsunagu"


@dataclass(frozen=True)
class EventKind:
    """One family of events sharing a topic and a data model."""

    name: str
    topic: str
    types: tuple[str, ...]
    data_model: type[BaseModel]

    @property
    def dataschema(self) -> str:
        """URI of the JSON Schema that the events' data follows."""
        return f"{DATASCHEMA_BASE}/{self.name}.json"


REFERRAL: Final = EventKind(
    "referral-event",
    topics.REFERRAL_EVENTS,
    referral.REFERRAL_EVENT_TYPES,
    referral.ReferralEventData,
)
AGENCY: Final = EventKind(
    "agency-event", topics.DIRECTORY_EVENTS, agency.AGENCY_EVENT_TYPES, agency.AgencyEventData
)
AGENCY_DELIVERY: Final = EventKind(
    "agency-delivery-event",
    topics.DIRECTORY_DELIVERY,
    agency.AGENCY_DELIVERY_TYPES,
    agency.AgencyDeliveryData,
)
NOTIFICATION: Final = EventKind(
    "notification-event",
    topics.NOTIFICATION_EVENTS,
    notification.NOTIFICATION_EVENT_TYPES,
    notification.NotificationEventData,
)

SUBJECT_VIEW: Final = EventKind(
    "subject-view-event",
    topics.REFERRAL_EVENTS,
    subject_view.SUBJECT_VIEW_EVENT_TYPES,
    subject_view.SubjectViewedData,
)
"""Reads of a person's data travel with the referral's events, under their own data model."""

KINDS: Final = (REFERRAL, AGENCY, NOTIFICATION, AGENCY_DELIVERY, SUBJECT_VIEW)


class UnknownEventType(LookupError):
    """Raised for an event type that no contract defines."""


def kind_of(event_type: str) -> EventKind:
    """Return the kind an event type belongs to."""
    for kind in KINDS:
        if event_type in kind.types:
            return kind
    raise UnknownEventType(event_type)


def kind_of_topic(topic: str) -> EventKind:
    """Return the first kind of events that travel on a topic (the referral topic also carries
    `SUBJECT_VIEW`)."""
    for kind in KINDS:
        if kind.topic == topic:
            return kind
    raise UnknownEventType(topic)


def source(service: str) -> str:
    """CloudEvents `source` of a Tsunagu service."""
    return f"{SOURCE_BASE}:{service}"

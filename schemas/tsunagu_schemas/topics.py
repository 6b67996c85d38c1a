"""Kafka topic names: the only place where they are spelled out."""

from typing import Final

REFERRAL_EVENTS: Final = "tsunagu.referral.events"
DIRECTORY_EVENTS: Final = "tsunagu.directory.events"
DIRECTORY_DELIVERY: Final = "tsunagu.directory.delivery"
"""Agencies' delivery settings: written by the directory, read by notifications and audit only."""
NOTIFICATION_EVENTS: Final = "tsunagu.notification.events"

EVENT_TOPICS: Final = (REFERRAL_EVENTS, DIRECTORY_EVENTS, NOTIFICATION_EVENTS, DIRECTORY_DELIVERY)

DEAD_LETTER_SUFFIX: Final = ".dlq"
AGENCY_TOPIC_PREFIX: Final = "tsunagu.agency."


def dead_letter_topic(topic: str) -> str:
    """Return the dead-letter topic that parks the poison events of `topic`."""
    return f"{topic}{DEAD_LETTER_SUFFIX}"


def agency_topic(agency_id: str) -> str:
    """Return the topic through which one agency receives the events it is party to."""
    return f"{AGENCY_TOPIC_PREFIX}{agency_id}"


TOPIC_OWNERS: Final = {
    REFERRAL_EVENTS: "referrals",
    DIRECTORY_EVENTS: "directory",
    DIRECTORY_DELIVERY: "directory",
    NOTIFICATION_EVENTS: "notifications",
}
"""The one service that publishes on each event topic; consumers reject any other source."""


def owner_of(topic: str) -> str:
    """Return the service that publishes on `topic` (its dead-letter topic included)."""
    return TOPIC_OWNERS[topic.removesuffix(DEAD_LETTER_SUFFIX)]

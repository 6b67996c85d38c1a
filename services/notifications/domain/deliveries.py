"""Deliveries through Kafka, webhook and e-mail: planned per event, agency and channel.

A delivery is tried until it succeeds or its retry policy gives up; each result becomes a
`tsunagu.notification.delivered` or `.failed` event. The inbox is not a delivery: it is
written directly and emits nothing, to keep the event volume down.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from tsunagu_schemas import Channel, NotificationEventData
from tsunagu_schemas.notification import NOTIFICATION_DELIVERED, NOTIFICATION_FAILED
from tsunagu_schemas.topics import agency_topic

from .agencies import AgencyContact
from .events import SourceEvent
from .inbox import notification_id
from .retry import RetryPolicy

ERROR_LIMIT = 500


class DeliveryStatus(StrEnum):
    """Where a delivery stands."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


def delivery_id(*, event_id: str, agency_id: str, channel: Channel) -> str:
    """The id of one delivery (deterministic, so a redelivered event plans nothing new)."""
    return f"{event_id}:{agency_id}:{channel.value}"


@dataclass(frozen=True)
class Delivery:
    """One event to pass to one agency through one channel."""

    delivery_id: str
    notification_id: str
    agency_id: str
    channel: Channel
    target: str
    event: SourceEvent
    created_at: datetime
    next_attempt_at: datetime
    status: DeliveryStatus = DeliveryStatus.PENDING
    attempts: int = 0
    last_error: str | None = None


@dataclass(frozen=True)
class NotificationNotice:
    """An event announcing a delivery's result."""

    event_id: str
    event_type: str
    subject: str
    data: NotificationEventData


@dataclass(frozen=True)
class DeliveryOutcome:
    """The delivery after one attempt, and the event to emit if it is finished."""

    delivery: Delivery
    notice: NotificationNotice | None


def _target(contact: AgencyContact, channel: Channel) -> str:
    """Where a channel leads for this agency."""
    if channel is Channel.KAFKA:
        return agency_topic(contact.agency_id)
    if channel is Channel.WEBHOOK:
        return contact.webhook_url or ""
    return contact.email or ""


def plan_deliveries(
    event: SourceEvent, *, contacts: list[AgencyContact], now: datetime
) -> list[Delivery]:
    """The deliveries owed to each known party, per the channels it chose."""
    return [
        Delivery(
            delivery_id=delivery_id(event_id=event.id, agency_id=c.agency_id, channel=channel),
            notification_id=notification_id(event_id=event.id, agency_id=c.agency_id),
            agency_id=c.agency_id,
            channel=channel,
            target=_target(c, channel),
            event=event.for_recipient(c.agency_id),
            created_at=now,
            next_attempt_at=now,
        )
        for c in contacts
        for channel in c.channels()
    ]


def after_success(delivery: Delivery, *, now: datetime) -> DeliveryOutcome:
    """The delivery went through: finished, announced as delivered."""
    done = replace(
        delivery,
        status=DeliveryStatus.DELIVERED,
        attempts=delivery.attempts + 1,
        last_error=None,
    )
    return DeliveryOutcome(done, _notice(done, now=now))


def after_failure(
    delivery: Delivery, *, error: str, now: datetime, policy: RetryPolicy
) -> DeliveryOutcome:
    """The attempt failed: try again after a backoff, or give up and announce the failure."""
    attempts = delivery.attempts + 1
    error = error[:ERROR_LIMIT]
    if policy.gives_up_after(attempts):
        failed = replace(
            delivery, status=DeliveryStatus.FAILED, attempts=attempts, last_error=error
        )
        return DeliveryOutcome(failed, _notice(failed, now=now))
    retry = replace(
        delivery,
        attempts=attempts,
        last_error=error,
        next_attempt_at=now + policy.delay_after(attempts),
    )
    return DeliveryOutcome(retry, None)


INTERRUPTED = "every attempt allowed was made; the last ones never finished (the process stopped)"


def exhausted(delivery: Delivery, *, policy: RetryPolicy) -> bool:
    """Whether the delivery's attempts are used up before this one: each is counted when it is
    claimed, so attempts cut short by a crash use them up too."""
    return policy.gives_up_after(delivery.attempts)


def after_interruptions(delivery: Delivery, *, now: datetime) -> DeliveryOutcome:
    """Earlier attempts used up the allowed ones without an outcome: give up without trying
    again (a receiver that kills the process on every attempt would do so for ever)."""
    failed = replace(delivery, status=DeliveryStatus.FAILED, last_error=INTERRUPTED)
    return DeliveryOutcome(failed, _notice(failed, now=now))


def _notice(delivery: Delivery, *, now: datetime) -> NotificationNotice:
    """The notification event for a finished delivery (its id is deterministic)."""
    delivered = delivery.status is DeliveryStatus.DELIVERED
    event_type = NOTIFICATION_DELIVERED if delivered else NOTIFICATION_FAILED
    referral_id = delivery.event.referral_id
    data = NotificationEventData(
        notification_id=delivery.notification_id,
        agency_id=delivery.agency_id,
        channel=delivery.channel,
        source_event_id=delivery.event.id,
        source_event_type=delivery.event.type,
        referral_id=referral_id,
        attempts=delivery.attempts,
        error=None if delivered else delivery.last_error,
        occurred_at=now,
    )
    return NotificationNotice(
        event_id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"{delivery.delivery_id}:{event_type}")),
        event_type=event_type,
        subject=referral_id or delivery.agency_id,
        data=data,
    )

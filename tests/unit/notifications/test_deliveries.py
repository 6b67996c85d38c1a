"""Deliveries: planned per channel, retried with exponential backoff, announced when done."""

from __future__ import annotations

from datetime import timedelta

from services.notifications.domain import (
    AgencyContact,
    DeliveryStatus,
    RetryPolicy,
    SourceEvent,
    after_failure,
    after_success,
    plan_deliveries,
)
from tsunagu_schemas import Channel

CONTACTS = [
    AgencyContact(agency_id="agency-a", version=1, kafka=True, email="a@example.org"),
    AgencyContact(agency_id="agency-b", version=4, webhook_url="https://b.example/hook"),
]


def test_the_backoff_doubles_from_the_base_and_is_capped() -> None:
    policy = RetryPolicy(max_attempts=8, base_seconds=2.0, max_seconds=60.0)
    assert [d.total_seconds() for d in policy.schedule()] == [2, 4, 8, 16, 32, 60, 60]


def test_one_delivery_is_planned_per_agency_and_chosen_channel(event: SourceEvent) -> None:
    planned = plan_deliveries(event, contacts=CONTACTS, now=event.time)
    assert [(d.delivery_id, d.target) for d in planned] == [
        ("evt-1:agency-a:kafka", "tsunagu.agency.agency-a"),
        ("evt-1:agency-a:email", "a@example.org"),
        ("evt-1:agency-b:webhook", "https://b.example/hook"),
    ]
    assert all(d.status is DeliveryStatus.PENDING and d.attempts == 0 for d in planned)
    assert planned[0].notification_id == "evt-1:agency-a"


def test_a_failed_attempt_is_rescheduled_after_the_backoff(event: SourceEvent) -> None:
    delivery = plan_deliveries(event, contacts=CONTACTS, now=event.time)[2]
    policy = RetryPolicy(max_attempts=3, base_seconds=1.5)
    first = after_failure(delivery, error="HTTP 500", now=event.time, policy=policy)
    assert first.notice is None
    assert first.delivery.status is DeliveryStatus.PENDING
    assert first.delivery.attempts == 1
    assert first.delivery.next_attempt_at == event.time + timedelta(seconds=1.5)
    second = after_failure(first.delivery, error="HTTP 500", now=event.time, policy=policy)
    assert second.delivery.next_attempt_at == event.time + timedelta(seconds=3)


def test_the_last_failed_attempt_fails_the_delivery_and_announces_it(event: SourceEvent) -> None:
    delivery = plan_deliveries(event, contacts=CONTACTS, now=event.time)[2]
    outcome = after_failure(delivery, error="x" * 2000, now=event.time, policy=RetryPolicy(1))
    assert outcome.delivery.status is DeliveryStatus.FAILED
    assert outcome.notice is not None
    assert outcome.notice.event_type == "tsunagu.notification.failed"
    assert outcome.notice.data.channel is Channel.WEBHOOK
    assert outcome.notice.data.attempts == 1
    assert outcome.notice.data.error is not None
    assert len(outcome.notice.data.error) == 500


def test_a_success_is_announced_with_a_deterministic_event_id(event: SourceEvent) -> None:
    delivery = plan_deliveries(event, contacts=CONTACTS, now=event.time)[0]
    once = after_success(delivery, now=event.time)
    again = after_success(delivery, now=event.time)
    assert once.delivery.status is DeliveryStatus.DELIVERED
    assert once.notice is not None
    assert again.notice is not None
    assert once.notice.event_type == "tsunagu.notification.delivered"
    assert once.notice.event_id == again.notice.event_id
    assert once.notice.subject == "ref-1"
    assert once.notice.data.source_event_id == "evt-1"
    assert once.notice.data.referral_id == "ref-1"
    assert once.notice.data.error is None

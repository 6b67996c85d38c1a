"""The notifications use cases against in-memory ports."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from services.notifications.domain import AgencyContact, DeliveryStatus, RetryPolicy, SourceEvent
from services.notifications.use_cases import (
    DeliverDue,
    MarkRead,
    NotificationNotFound,
    NotifyParties,
    ReadInbox,
    RecordAgencyContact,
)
from tsunagu_schemas import Channel

from .fakes import InMemoryContacts, InMemoryInbox, InMemoryQueue, RecordingChannel

WEBHOOK = AgencyContact("agency-b", 1, webhook_url="https://b.example/hook")


class Wakes:
    """Counts how often the worker was told deliveries are planned."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> None:
        self.count += 1


@pytest.fixture
def contacts() -> InMemoryContacts:
    return InMemoryContacts({WEBHOOK.agency_id: WEBHOOK})


def notify(
    contacts: InMemoryContacts,
    inbox: InMemoryInbox,
    queue: InMemoryQueue,
    wakes: Wakes,
    moment: datetime,
) -> NotifyParties:
    return NotifyParties(
        agencies=contacts, inbox=inbox, deliveries=queue, clock=lambda: moment, on_planned=wakes
    )


async def test_every_party_gets_an_inbox_entry_once_and_chosen_channels_a_delivery(
    contacts: InMemoryContacts, event: SourceEvent, moment: datetime
) -> None:
    inbox, queue, wakes = InMemoryInbox(), InMemoryQueue(), Wakes()
    notify_parties = notify(contacts, inbox, queue, wakes, moment)
    await notify_parties(event)
    await notify_parties(event)
    assert sorted(e.agency_id for e in inbox.entries.values()) == ["agency-a", "agency-b"]
    assert [(d.agency_id, d.channel) for d in queue.deliveries.values()] == [
        ("agency-b", Channel.WEBHOOK)
    ]
    assert wakes.count == 1


async def test_an_older_contact_does_not_replace_a_newer_one(contacts: InMemoryContacts) -> None:
    record = RecordAgencyContact(contacts)
    assert await record(AgencyContact("agency-b", 2, email="b@example.org"))
    assert not await record(AgencyContact("agency-b", 1, kafka=True))
    assert contacts.stored["agency-b"].email == "b@example.org"


async def test_a_failed_attempt_is_retried_later_then_delivered(
    contacts: InMemoryContacts, event: SourceEvent, moment: datetime
) -> None:
    queue, channel, now = InMemoryQueue(), RecordingChannel(failing=True), [moment]
    await notify(contacts, InMemoryInbox(), queue, Wakes(), moment)(event)
    deliver = DeliverDue(
        queue=queue,
        senders={Channel.WEBHOOK: channel},
        policy=RetryPolicy(max_attempts=3, base_seconds=10),
        clock=lambda: now[0],
        lease=timedelta(seconds=30),
    )
    claim = await deliver.next_claim()
    assert claim is not None
    await deliver.attempt(claim)
    assert await deliver.next_claim() is None  # not due until the backoff has passed
    channel.failing, now[0] = False, moment + timedelta(seconds=11)
    claim = await deliver.next_claim()
    assert claim is not None
    await deliver.attempt(claim)
    (delivery,) = queue.deliveries.values()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 2)
    assert channel.sent == [delivery.delivery_id]
    assert queue.notices == ["tsunagu.notification.delivered"]


async def test_a_delivery_gives_up_after_its_last_attempt(
    contacts: InMemoryContacts, event: SourceEvent, moment: datetime
) -> None:
    queue = InMemoryQueue()
    await notify(contacts, InMemoryInbox(), queue, Wakes(), moment)(event)
    deliver = DeliverDue(
        queue=queue,
        senders={Channel.WEBHOOK: RecordingChannel(failing=True)},
        policy=RetryPolicy(max_attempts=1),
        clock=lambda: moment,
        lease=timedelta(seconds=30),
    )
    claim = await deliver.next_claim()
    assert claim is not None
    await deliver.attempt(claim)
    assert queue.notices == ["tsunagu.notification.failed"]
    assert await deliver.next_claim() is None


async def test_an_inbox_entry_is_marked_read_once_and_unknown_ones_are_not_found(
    contacts: InMemoryContacts,
    make_event: Callable[..., SourceEvent],
    moment: datetime,
) -> None:
    inbox = InMemoryInbox()
    await notify(contacts, inbox, InMemoryQueue(), Wakes(), moment)(make_event())
    unread = await ReadInbox(inbox)(agency_id="agency-a", unread=True, limit=10, cursor=None)
    (entry,) = unread.items
    later = moment + timedelta(minutes=5)
    mark_read = MarkRead(inbox, lambda: later)
    assert (await mark_read(agency_id="agency-a", notification_id=entry.notification_id)).read
    again = await MarkRead(inbox, lambda: later + timedelta(hours=1))(
        agency_id="agency-a", notification_id=entry.notification_id
    )
    assert again.read_at == later
    with pytest.raises(NotificationNotFound):
        await mark_read(agency_id="agency-b", notification_id=entry.notification_id)
    left = await ReadInbox(inbox)(agency_id="agency-a", unread=True, limit=10, cursor=None)
    assert left.items == []

"""The notifications use cases against in-memory ports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import cast

import pytest

from services.notifications.domain import AgencyContact, DeliveryStatus, RetryPolicy, SourceEvent
from services.notifications.ports import Ports
from services.notifications.use_cases import (
    NotificationNotFound,
    attempt_delivery,
    mark_read,
    next_claim,
    notify_all,
    notify_parties,
    read_inbox,
    record_agency_contact,
)
from tsunagu_schemas import Channel

from .fakes import (
    FixedClock,
    InMemoryContacts,
    InMemoryInbox,
    InMemoryQueue,
    RecordingChannel,
    in_memory_ports,
)


def queue_of(ports: Ports) -> InMemoryQueue:
    return cast(InMemoryQueue, ports.deliveries)


def inbox_of(ports: Ports) -> InMemoryInbox:
    return cast(InMemoryInbox, ports.inbox)


async def test_every_party_gets_an_inbox_entry_once_and_chosen_channels_a_delivery(
    event: SourceEvent, moment: datetime
) -> None:
    wakes: list[int] = []
    ports = replace(in_memory_ports(moment), on_planned=lambda: wakes.append(1))
    await notify_parties(ports, event)
    await notify_parties(ports, event)
    assert sorted(e.agency_id for e in inbox_of(ports).entries.values()) == [
        "agency-a",
        "agency-b",
    ]
    assert [(d.agency_id, d.channel) for d in queue_of(ports).deliveries.values()] == [
        ("agency-b", Channel.WEBHOOK)
    ]
    assert wakes == [1]


async def test_an_older_contact_does_not_replace_a_newer_one(moment: datetime) -> None:
    ports = in_memory_ports(moment)
    assert await record_agency_contact(ports, AgencyContact("agency-b", 2, email="b@example.org"))
    assert not await record_agency_contact(ports, AgencyContact("agency-b", 1, kafka=True))
    assert cast(InMemoryContacts, ports.agencies).stored["agency-b"].email == "b@example.org"


async def test_a_failed_attempt_is_retried_later_then_delivered(
    event: SourceEvent, moment: datetime
) -> None:
    channel = RecordingChannel(failing=True)
    ports = replace(
        in_memory_ports(moment, channel),
        policy=RetryPolicy(max_attempts=3, base_seconds=10),
    )
    await notify_parties(ports, event)
    claim = await next_claim(ports)
    assert claim is not None
    await attempt_delivery(ports, claim)
    assert await next_claim(ports) is None  # not due until the backoff has passed
    channel.failing = False
    cast(FixedClock, ports.clock).moment = moment + timedelta(seconds=11)
    claim = await next_claim(ports)
    assert claim is not None
    await attempt_delivery(ports, claim)
    (delivery,) = queue_of(ports).deliveries.values()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 2)
    assert channel.sent == [delivery.delivery_id]
    assert queue_of(ports).notices == ["tsunagu.notification.delivered"]


async def test_a_delivery_gives_up_after_its_last_attempt(
    event: SourceEvent, moment: datetime
) -> None:
    ports = replace(
        in_memory_ports(moment, RecordingChannel(failing=True)),
        policy=RetryPolicy(max_attempts=1),
    )
    await notify_parties(ports, event)
    claim = await next_claim(ports)
    assert claim is not None
    await attempt_delivery(ports, claim)
    assert queue_of(ports).notices == ["tsunagu.notification.failed"]
    assert await next_claim(ports) is None


async def test_an_inbox_entry_is_marked_read_once_and_unknown_ones_are_not_found(
    make_event: Callable[..., SourceEvent], moment: datetime
) -> None:
    ports = in_memory_ports(moment)
    await notify_parties(ports, make_event())
    unread = await read_inbox(ports, agency_id="agency-a", unread=True, limit=10, cursor=None)
    (entry,) = unread.items
    later = moment + timedelta(minutes=5)
    cast(FixedClock, ports.clock).moment = later
    marked = await mark_read(ports, agency_id="agency-a", notification_id=entry.notification_id)
    assert marked.read
    cast(FixedClock, ports.clock).moment = later + timedelta(hours=1)
    again = await mark_read(ports, agency_id="agency-a", notification_id=entry.notification_id)
    assert again.read_at == later
    with pytest.raises(NotificationNotFound):
        await mark_read(ports, agency_id="agency-b", notification_id=entry.notification_id)
    left = await read_inbox(ports, agency_id="agency-a", unread=True, limit=10, cursor=None)
    assert left.items == []


async def test_a_batch_of_events_is_notified_with_one_inbox_write_and_one_contact_read(
    make_event: Callable[..., SourceEvent],
    referral_data: Callable[..., object],
    moment: datetime,
) -> None:
    ports = in_memory_ports(moment)
    contacts = cast(InMemoryContacts, ports.agencies)
    inbox = inbox_of(ports)
    reads: list[list[str]] = []
    writes: list[int] = []
    find, add = contacts.find, inbox.add

    async def counted_find(agency_ids: list[str]) -> list[AgencyContact]:
        reads.append(agency_ids)
        return await find(agency_ids)

    async def counted_add(entries: list[object]) -> int:
        writes.append(len(entries))
        return await add(entries)  # type: ignore[arg-type]

    contacts.find = counted_find  # type: ignore[method-assign]
    inbox.add = counted_add  # type: ignore[method-assign]
    events = [
        make_event(referral_data(referral_id=f"ref-{n}"), event_id=f"evt-{n}") for n in range(3)
    ]
    await notify_all(ports, events)
    assert writes == [6], "two parties of each of the three events, in one write"
    assert reads == [["agency-a", "agency-b"]], "each party's contact read once for the batch"
    assert {e.referral_id for e in inbox.entries.values()} == {"ref-0", "ref-1", "ref-2"}
    await notify_all(ports, events)
    assert len(inbox.entries) == 6, "a redelivered batch adds nothing"


async def test_attempts_cut_short_count_and_once_used_up_the_delivery_is_given_up_unsent(
    event: SourceEvent, moment: datetime
) -> None:
    channel = RecordingChannel()
    ports = replace(in_memory_ports(moment, channel), policy=RetryPolicy(max_attempts=3))
    await notify_parties(ports, event)
    clock = cast(FixedClock, ports.clock)
    for crash in range(3):  # each attempt kills the process before its outcome is recorded
        claim = await next_claim(ports)
        assert claim is not None, f"claim {crash + 1}"
        clock.moment += ports.lease + timedelta(seconds=1)
    (stored,) = queue_of(ports).deliveries.values()
    assert stored.attempts == 3, "every claimed attempt counted, none recorded"
    claim = await next_claim(ports)
    assert claim is not None
    await attempt_delivery(ports, claim)
    (delivery,) = queue_of(ports).deliveries.values()
    assert delivery.status is DeliveryStatus.FAILED
    assert delivery.last_error is not None
    assert "never finished" in delivery.last_error
    assert channel.sent == [], "not tried a fourth time"
    assert queue_of(ports).notices == ["tsunagu.notification.failed"]
    assert await next_claim(ports) is None

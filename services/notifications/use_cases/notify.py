"""Consuming events: keep agencies' preferences, and tell every party about referral events."""

from __future__ import annotations

from collections.abc import Sequence

import structlog

from services.notifications.domain import (
    AgencyContact,
    SourceEvent,
    inbox_entries,
    plan_deliveries,
    recipients,
)

from ..ports import Ports

log = structlog.get_logger(__name__)


async def record_agency_contact(ports: Ports, contact: AgencyContact) -> bool:
    """Apply a directory event to the local read model; tell whether it replaced an older one."""
    stored = await ports.agencies.save_if_newer(contact)
    log.info("agency contact", agency=contact.agency_id, version=contact.version, stored=stored)
    return stored


async def notify_parties(ports: Ports, event: SourceEvent) -> None:
    """Put a referral event in every party's inbox and plan its other deliveries."""
    await notify_all(ports, [event])


async def notify_all(ports: Ports, events: Sequence[SourceEvent]) -> None:
    """Put referral events in every party's inbox and plan their other deliveries, the whole
    batch in three writes and reads at most: the inbox entries, the parties' contacts, the
    deliveries.

    A redelivered event adds nothing: inbox entries and deliveries have deterministic ids.
    """
    if not events:
        return
    now = ports.clock.now()
    parties = {event.id: recipients(event.referral) for event in events}
    entries = [
        entry
        for event in events
        for entry in inbox_entries(event, agency_ids=parties[event.id], now=now)
    ]
    added = await ports.inbox.add(entries)
    everyone = sorted({agency for named in parties.values() for agency in named})
    contacts = {contact.agency_id: contact for contact in await ports.agencies.find(everyone)}
    if unknown := [agency for agency in everyone if agency not in contacts]:
        # Without a directory entry there are no preferences: the inbox is all they get.
        log.warning("parties unknown to the directory read model", agencies=unknown)
    plans = [
        delivery
        for event in events
        for delivery in plan_deliveries(
            event,
            contacts=[contacts[agency] for agency in parties[event.id] if agency in contacts],
            now=now,
        )
    ]
    planned = await ports.deliveries.add(plans)
    if planned:
        ports.on_planned()
    log.info(
        "referral events notified",
        events=len(events),
        inbox_added=added,
        deliveries_planned=planned,
    )

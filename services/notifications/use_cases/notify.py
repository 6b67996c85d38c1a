"""Consuming events: keep agencies' preferences, and tell every party about referral events."""

from __future__ import annotations

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
    """Put a referral event in every party's inbox and plan its other deliveries.

    A redelivered event adds nothing: inbox entries and deliveries have deterministic ids.
    """
    parties = recipients(event.referral)
    now = ports.clock.now()
    added = await ports.inbox.add(inbox_entries(event, agency_ids=parties, now=now))
    contacts = await ports.agencies.find(parties)
    unknown = sorted(set(parties) - {c.agency_id for c in contacts})
    if unknown:
        # Without a directory entry there are no preferences: the inbox is all they get.
        log.warning("parties unknown to the directory read model", agencies=unknown)
    planned = await ports.deliveries.add(plan_deliveries(event, contacts=contacts, now=now))
    if planned:
        ports.on_planned()
    log.info("referral event notified", inbox_added=added, deliveries_planned=planned)

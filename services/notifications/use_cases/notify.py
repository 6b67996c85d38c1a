"""Consuming events: keep agencies' preferences, and tell every party about referral events."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import structlog

from services.notifications.domain import (
    AgencyContact,
    SourceEvent,
    inbox_entries,
    plan_deliveries,
    recipients,
)

from .ports import AgencyContacts, Clock, DeliveryQueue, Inbox

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class RecordAgencyContact:
    """Apply a directory event to the local read model, only when its version is newer."""

    agencies: AgencyContacts

    async def __call__(self, contact: AgencyContact) -> bool:
        """Store the contact; return whether it replaced an older version."""
        stored = await self.agencies.save_if_newer(contact)
        log.info("agency contact", agency=contact.agency_id, version=contact.version, stored=stored)
        return stored


@dataclass(frozen=True)
class NotifyParties:
    """Put a referral event in every party's inbox and plan its other deliveries."""

    agencies: AgencyContacts
    inbox: Inbox
    deliveries: DeliveryQueue
    clock: Clock
    on_planned: Callable[[], None]

    async def __call__(self, event: SourceEvent) -> None:
        """Handle one referral event; a redelivered event adds nothing (deterministic ids)."""
        parties = recipients(event.referral)
        now = self.clock()
        added = await self.inbox.add(inbox_entries(event, agency_ids=parties, now=now))
        contacts = await self.agencies.find(parties)
        unknown = sorted(set(parties) - {c.agency_id for c in contacts})
        if unknown:
            # Without a directory entry there are no preferences: the inbox is all they get.
            log.warning("parties unknown to the directory read model", agencies=unknown)
        planned = await self.deliveries.add(plan_deliveries(event, contacts=contacts, now=now))
        if planned:
            self.on_planned()
        log.info("referral event notified", inbox_added=added, deliveries_planned=planned)

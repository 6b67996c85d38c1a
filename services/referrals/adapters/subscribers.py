"""Kafka handlers: directory events feed the local read model of agencies."""

from __future__ import annotations

import structlog
from faststream.kafka import KafkaBroker

from tsunagu.events import PoisonEvent, ReceivedEvent
from tsunagu.messaging import subscribe
from tsunagu_schemas import AgencyEventData
from tsunagu_schemas.topics import DIRECTORY_EVENTS

from ..ports import Ports
from ..settings import ReferralsSettings
from ..use_cases import apply_agency_event

log = structlog.get_logger(__name__)


def subscribe_to_directory(
    broker: KafkaBroker, *, ports: Ports, settings: ReferralsSettings
) -> None:
    """Keep the local directory current from `tsunagu.directory.events`."""

    async def on_agency_event(event: ReceivedEvent) -> None:
        """Apply one agency event; repeated or older versions change nothing."""
        if not isinstance(event.data, AgencyEventData):
            raise PoisonEvent(f"{event.type} carries no agency data")
        applied = await apply_agency_event(ports, data=event.data)
        log.info(
            "agency event applied" if applied else "agency event already known",
            agency_id=event.data.agency_id,
            version=event.data.version,
        )

    subscribe(
        broker,
        topic=DIRECTORY_EVENTS,
        group_id=settings.consumer_group,
        handler=on_agency_event,
        max_attempts=settings.consumer_max_attempts,
        backoff_seconds=settings.consumer_backoff_seconds,
    )

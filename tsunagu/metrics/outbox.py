"""The outbox backlog of one collection: aggregates with events waiting, and the oldest's age.

Both come from one read of the pending aggregates through the relay's sparse index, which holds
those only (the relay reads the same ones on each pass), so it costs what is pending, never
what is stored.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from prometheus_client.core import GaugeMetricFamily, Metric
from pymongo.asynchronous.collection import AsyncCollection

from tsunagu.clock import Clock, SystemClock
from tsunagu.outbox import OUTBOX_FIELD, PENDING, PENDING_INDEX

from .snapshot import Probe

BACKLOG = "tsunagu_outbox_backlog"
OLDEST_AGE = "tsunagu_outbox_oldest_age_seconds"
TIMES = f"{OUTBOX_FIELD}.headers.ce_time"


class OutboxBacklog(Probe):
    """Reads the backlog of the outbox kept in `collection`'s documents."""

    def __init__(self, collection: AsyncCollection[Any], *, clock: Clock | None = None) -> None:
        self.name = f"outbox-{collection.name}"
        self._collection = collection
        self._clock = clock or SystemClock()

    async def prepare(self) -> None:
        """Make sure the relay's index of pending aggregates exists (it is the same one)."""
        await self._collection.create_index(
            [(f"{OUTBOX_FIELD}.0.event_id", 1)], name=PENDING_INDEX, sparse=True
        )

    async def read(self) -> list[Metric]:
        """How many aggregates have events waiting, and for how long the oldest has waited."""
        waiting, oldest = 0, None
        async for document in self._collection.find(PENDING, {"_id": False, TIMES: True}):
            waiting += 1
            first = document[OUTBOX_FIELD][0]["headers"]["ce_time"]  # an aggregate's are in order
            written = datetime.fromisoformat(first).astimezone(UTC)
            oldest = written if oldest is None else min(oldest, written)
        labels = [self._collection.name]
        backlog = GaugeMetricFamily(
            BACKLOG, "Documents with events not yet published to Kafka", labels=["collection"]
        )
        backlog.add_metric(labels, float(waiting))
        age = GaugeMetricFamily(
            OLDEST_AGE,
            "Seconds the oldest unpublished event has waited (0 when none waits)",
            labels=["collection"],
        )
        age.add_metric(
            labels,
            0.0 if oldest is None else max(0.0, (self._clock.now() - oldest).total_seconds()),
        )
        return [backlog, age]

"""The outbox backlog of one collection: aggregates with events waiting, and the oldest's age.

Both are read through the relay's sparse index of pending aggregates and one more sparse index
on the time of each aggregate's first pending event, so they cost what is pending, never what
is stored.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from prometheus_client.core import GaugeMetricFamily, Metric
from pymongo.asynchronous.collection import AsyncCollection

from tsunagu.clock import Clock, SystemClock
from tsunagu.outbox import OUTBOX_FIELD, PENDING

from .snapshot import Probe

BACKLOG = "tsunagu_outbox_backlog"
OLDEST_AGE = "tsunagu_outbox_oldest_age_seconds"
FIRST_TIME = f"{OUTBOX_FIELD}.0.headers.ce_time"
FIRST_TIME_INDEX = "outbox_first_time"


class OutboxBacklog(Probe):
    """Reads the backlog of the outbox kept in `collection`'s documents."""

    def __init__(self, collection: AsyncCollection[Any], *, clock: Clock | None = None) -> None:
        self.name = f"outbox-{collection.name}"
        self._collection = collection
        self._clock = clock or SystemClock()

    async def prepare(self) -> None:
        """Index the time of each waiting aggregate's first event (only those are indexed)."""
        await self._collection.create_index([(FIRST_TIME, 1)], name=FIRST_TIME_INDEX, sparse=True)

    async def read(self) -> list[Metric]:
        """How many aggregates have events waiting, and for how long the oldest has waited."""
        waiting = await self._collection.count_documents(PENDING)
        oldest = await self._collection.find_one(
            {FIRST_TIME: {"$exists": True}},
            {"_id": False, f"{OUTBOX_FIELD}.headers.ce_time": True},
            sort=[(FIRST_TIME, 1)],
        )
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
        age.add_metric(labels, self._age(oldest))
        return [backlog, age]

    def _age(self, oldest: dict[str, Any] | None) -> float:
        if oldest is None or not oldest.get(OUTBOX_FIELD):
            return 0.0
        stamp = oldest[OUTBOX_FIELD][0]["headers"]["ce_time"]
        written = datetime.fromisoformat(stamp).astimezone(UTC)
        return max(0.0, (self._clock.now() - written).total_seconds())

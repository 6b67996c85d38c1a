"""The outbox relay: publishes the events an aggregate holds, then removes them from it.

A state change and its events are written in one single-document update; publishing happens
after that write. A crash between the two only re-publishes, which consumers absorb.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import structlog
from faststream.kafka import KafkaBroker
from pymongo.asynchronous.collection import AsyncCollection

from tsunagu.messaging.broker import publish_entry

OUTBOX_FIELD = "outbox"
log = structlog.get_logger(__name__)


class OutboxRelay:
    """Publishes pending events of one collection in order per aggregate."""

    def __init__(
        self,
        *,
        collection: AsyncCollection[Any],
        broker: KafkaBroker,
        poll_seconds: float = 1.0,
        write_lock: asyncio.Lock | None = None,
    ) -> None:
        self._collection = collection
        # FerretDB v1 applies concurrent updates of one document as unguarded read-modify-writes,
        # so a pop racing a service's own update can undo it; sharing a lock serialises them.
        self._write_lock = write_lock
        self._broker = broker
        self._poll_seconds = poll_seconds
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def notify(self) -> None:
        """Tell the relay that new events are waiting, so it does not wait for the next poll."""
        self._wake.set()

    async def start(self) -> None:
        """Start relaying in the background."""
        self._task = asyncio.create_task(self._run(), name="outbox-relay")

    async def stop(self) -> None:
        """Stop relaying; pending events stay stored and go out at the next start."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def drain(self) -> int:
        """Publish everything pending now; return how many events went out."""
        published = 0
        # By `_id`, so that an aggregate kept as one document per change (ids sorting by
        # version) still has its events published in order.
        cursor = self._collection.find({f"{OUTBOX_FIELD}.0": {"$exists": True}}).sort("_id", 1)
        async for document in cursor:
            published += await self._publish_document(document)
        return published

    async def _publish_document(self, document: dict[str, Any]) -> int:
        """Publish one aggregate's pending events in order, popping each once acknowledged."""
        count = 0
        for entry in document.get(OUTBOX_FIELD, []):
            await publish_entry(self._broker, entry)
            async with self._write_lock or contextlib.nullcontext():
                await self._collection.update_one(
                    {"_id": document["_id"], f"{OUTBOX_FIELD}.0.event_id": entry["event_id"]},
                    {"$pop": {OUTBOX_FIELD: -1}},
                )
            count += 1
        return count

    async def _run(self) -> None:
        """Drain, then sleep until notified or the poll interval passes; survive failures."""
        while True:
            self._wake.clear()
            try:
                await self.drain()
            except Exception as exc:  # the store or Kafka may be away; try again later
                log.warning("outbox relay failed; will retry", error=repr(exc))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self._poll_seconds)

"""The outbox relay: publishes the events an aggregate holds, then removes them from it.

A state change and its events are written in one single-document update; publishing happens
after that write. A crash between the two only re-publishes, which consumers absorb.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from faststream.kafka import KafkaBroker
from pymongo import UpdateOne
from pymongo.asynchronous.collection import AsyncCollection

from tsunagu.background import BackgroundLoop

OUTBOX_FIELD = "outbox"
PENDING = {f"{OUTBOX_FIELD}.0.event_id": {"$exists": True}}
"""Aggregates with events waiting: answered from the sparse index `PENDING_INDEX`, which holds
only those, so the relay's scan costs what is pending, not what is stored."""
PENDING_INDEX = "outbox_pending"
LINGER_SECONDS = 0.02
"""Least time between two scans once told of new events: under load one scan and one removal
serve the events of many writes (at most 50 scans a second), for at most this much latency;
an event after a quiet spell goes out at once."""


class OutboxRelay:
    """Publishes pending events of one collection in order per aggregate."""

    def __init__(
        self,
        *,
        collection: AsyncCollection[Any],
        broker: KafkaBroker,
        poll_seconds: float = 1.0,
        write_lock: asyncio.Lock | None = None,
        chunk_size: int = 200,
        linger_seconds: float = LINGER_SECONDS,
    ) -> None:
        self._collection = collection
        # A service whose own updates of these documents must not interleave with the relay's
        # removals (within one process) passes the lock it writes under.
        self._write_lock = write_lock
        self._broker = broker
        self._chunk_size = chunk_size
        self._loop = BackgroundLoop(
            name="outbox-relay", step=self._drained, interval=poll_seconds, linger=linger_seconds
        )

    def notify(self) -> None:
        """Tell the relay that new events are waiting, so it does not wait for the next poll."""
        self._loop.notify()

    async def start(self) -> None:
        """Index the pending aggregates, then start relaying in the background."""
        await self.ensure_index()
        await self._loop.start()

    async def ensure_index(self) -> None:
        """Create the sparse index the relay's scan reads (nothing happens if it exists)."""
        await self._collection.create_index(
            [(f"{OUTBOX_FIELD}.0.event_id", 1)], name=PENDING_INDEX, sparse=True
        )

    async def stop(self) -> None:
        """Stop relaying; pending events stay stored and go out at the next start."""
        await self._loop.stop()

    async def _drained(self) -> bool:
        """Publish what is pending, then wait for a notification or the next poll."""
        await self.drain()
        return False

    async def drain(self) -> int:
        """Publish everything pending now; return how many events went out.

        Events are sent without waiting for each acknowledgement, a chunk of aggregates at a
        time; entries are removed only once acknowledged. The idempotent producer keeps each
        partition's batches in order, and a failed send fails those after it on its partition,
        so an aggregate's events never overtake one another.
        """
        published = 0
        chunk: list[dict[str, Any]] = []
        # An aggregate's events are in order within its document; `_id` order keeps the chunks
        # of one scan stable.
        cursor = self._collection.find(PENDING).sort("_id", 1)
        async for document in cursor:
            chunk.append(document)
            if len(chunk) >= self._chunk_size:
                published += await self._publish_chunk(chunk)
                chunk = []
        if chunk:
            published += await self._publish_chunk(chunk)
        return published

    async def _publish_chunk(self, documents: list[dict[str, Any]]) -> int:
        """Send every pending event of `documents`, await the acks, then remove what went out."""
        sent = [
            [await self._send(entry) for entry in document.get(OUTBOX_FIELD, [])]
            for document in documents
        ]
        acked = await asyncio.gather(*(_acknowledged(acks) for acks in sent))
        failures = [error for _, error in acked if error is not None]
        removed = await self._remove(
            [
                (document, count)
                for document, (count, _) in zip(documents, acked, strict=True)
                if count
            ]
        )
        if failures:
            raise failures[0]
        return removed

    async def _send(self, entry: dict[str, Any]) -> asyncio.Future[Any]:
        """Hand one stored outbox entry to the producer; the future resolves on the ack."""
        future: asyncio.Future[Any] = await self._broker.publish(
            entry["data"],
            entry["topic"],
            key=entry["key"].encode(),
            headers=dict(entry["headers"]),
            no_confirm=True,
        )
        return future

    async def _remove(self, published: list[tuple[dict[str, Any], int]]) -> int:
        """Remove what went out, in one round trip for the whole chunk: of each aggregate, the
        entries with the ids of its first `count` (an entry added meanwhile stays)."""
        if not published:
            return 0
        removals = [
            UpdateOne(
                {"_id": document["_id"]},
                {"$pull": {OUTBOX_FIELD: {"event_id": {"$in": _ids(document, count)}}}},
            )
            for document, count in published
        ]
        async with self._write_lock or contextlib.nullcontext():
            await self._collection.bulk_write(removals, ordered=False)
        return sum(count for _, count in published)


def _ids(document: dict[str, Any], count: int) -> list[str]:
    return [entry["event_id"] for entry in document[OUTBOX_FIELD][:count]]


async def _acknowledged(acks: list[asyncio.Future[Any]]) -> tuple[int, Exception | None]:
    """How many of an aggregate's sends were acknowledged in a row, and the first failure."""
    count = 0
    for ack in acks:
        try:
            await ack
        except Exception as exc:
            # later sends of the aggregate are not trusted either: they go out again next time
            await asyncio.gather(*acks, return_exceptions=True)
            return count, exc
        count += 1
    return count, None

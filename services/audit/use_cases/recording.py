"""Recording events: one record each, appended in batches; duplicates absorbed, no forks."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

import structlog

from ..domain import GENESIS, AuditRecord, ChainHead, ObservedEvent, next_record
from ..ports import AuditLog

MAX_APPEND_ATTEMPTS: Final = 20
log = structlog.get_logger(__name__)


class ChainConflict(RuntimeError):
    """The chain kept moving under this process: another replica appends much faster."""


@dataclass
class Recorded:
    """What recording a batch did: the new records, and how many events were already there."""

    records: list[AuditRecord] = field(default_factory=list)
    duplicates: int = 0


class RecordEvent:
    """Appends one record per event; duplicates are absorbed and the chain never forks."""

    def __init__(self, *, audit_log: AuditLog) -> None:
        self._log = audit_log
        self._lock = asyncio.Lock()  # one append at a time in this process
        self._head: ChainHead | None = None

    async def __call__(self, event: ObservedEvent) -> AuditRecord | None:
        """Record `event`; return the new record, or None when it was already recorded."""
        recorded = await self.many([event])
        return recorded.records[0] if recorded.records else None

    async def many(self, events: Sequence[ObservedEvent]) -> Recorded:
        """Record `events` in order with as few writes as the store allows.

        The records are chained from the head and inserted in order; the store refuses the
        first whose event id (a duplicate) or seq (another replica appended) is taken, and the
        rest is chained again from there.
        """
        async with self._lock:
            pending = _first_of_each(events)
            recorded = Recorded(duplicates=len(events) - len(pending))
            head = self._head or await self._log.head()
            self._head = None  # until this batch is settled, the stored head is the truth
            conflicts = 0
            while pending:
                records = chained(pending, head)
                stored = await self._log.append(records)
                recorded.records.extend(records[:stored])
                head = records[stored - 1].head if stored else head
                pending = pending[stored:]
                if not pending:
                    break
                if await self._log.has_event(pending[0].event_id):
                    recorded.duplicates += 1
                    pending = pending[1:]
                    continue
                conflicts += 1
                if conflicts >= MAX_APPEND_ATTEMPTS:
                    raise ChainConflict(f"could not append event {pending[0].event_id}")
                log.info("chain moved on; re-reading its head", seq=records[stored].seq)
                head = await self._log.head()
            self._head = head
            return recorded


def _first_of_each(events: Sequence[ObservedEvent]) -> list[ObservedEvent]:
    """The events in order, each event id once (a batch may hold a redelivered copy)."""
    seen: set[str] = set()
    unique = []
    for event in events:
        if event.event_id not in seen:
            seen.add(event.event_id)
            unique.append(event)
    return unique


def chained(events: Sequence[ObservedEvent], head: ChainHead = GENESIS) -> list[AuditRecord]:
    """The records that append `events` in order to a chain ending at `head`."""
    records: list[AuditRecord] = []
    for event in events:
        record = next_record(event, head=head)
        records.append(record)
        head = record.head
    return records

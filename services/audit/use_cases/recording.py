"""Recording events: one record each, appended in batches with their tree nodes; no forks.

A batch is stored in runs of growing size, and the next run is built (records, leaf and node
hashes) while the store writes the one before, so the work of this process and the store's
overlap. A run is only sent once every run before it is stored whole: what is stored is always
a gap-free stretch of the log.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Final

import structlog

from ..domain import AuditRecord, Entry, ObservedEvent, appended
from ..domain.merkle import Frontier
from ..ports import AuditLog
from .tree import stored_frontier

MAX_APPEND_ATTEMPTS: Final = 20
FIRST_RUN: Final = 64  # events in the first insert of a batch; each next run is twice as long
log = structlog.get_logger(__name__)


class ChainConflict(RuntimeError):
    """The log kept moving under this process: another replica appends much faster."""


@dataclass
class Recorded:
    """What recording a batch did: the new records, and how many events were already there."""

    records: list[AuditRecord] = field(default_factory=list)
    duplicates: int = 0


class RecordEvent:
    """Appends one record per event to the log's tree; duplicates absorbed, never a fork.

    The process keeps the tree's frontier between batches, so each record costs one leaf hash
    and about one node hash; it reads the frontier from the store only at start (or its first
    batch) and after another replica appended. `restores` counts those reads: between two, the
    tree held here only grew by this process's own appends.
    """

    def __init__(self, *, audit_log: AuditLog) -> None:
        self._log = audit_log
        self._lock = asyncio.Lock()  # one append at a time in this process
        self._frontier: Frontier | None = None
        self.restores = 0

    async def load(self) -> None:
        """Read the tree's frontier from the store now (at start), not at the first batch."""
        async with self._lock:
            if self._frontier is None:
                self._frontier = await self._restore()

    @property
    def audit_log(self) -> AuditLog:
        """The log appended to."""
        return self._log

    def tree(self) -> Frontier | None:
        """The tree as this process last appended to it; None while a batch is unsettled."""
        return None if self._frontier is None else self._frontier.copy()

    async def _restore(self) -> Frontier:
        """The frontier of the stored tree."""
        self.restores += 1
        return await stored_frontier(self._log)

    async def __call__(self, event: ObservedEvent) -> AuditRecord | None:
        """Record `event`; return the new record, or None when it was already recorded."""
        recorded = await self.many([event])
        return recorded.records[0] if recorded.records else None

    async def many(self, events: Sequence[ObservedEvent]) -> Recorded:
        """Record `events` in order with as few writes as the store allows.

        The entries are built from the frontier and inserted in order; the store refuses the
        first whose event id (a duplicate) or seq (another replica appended) is taken, and the
        rest is built again from there.
        """
        async with self._lock:
            pending = _first_of_each(events)
            recorded = Recorded(duplicates=len(events) - len(pending))
            frontier = self._frontier or await self._restore()
            self._frontier = None  # until this batch is settled, the store is the truth
            conflicts = 0
            while pending:
                stored, frontier = await self._append_runs(pending, frontier, recorded)
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
                log.info("the log moved on; re-reading its tree", seq=frontier.size + 1)
                frontier = await self._restore()
            self._frontier = frontier
            return recorded

    async def _append_runs(
        self, events: Sequence[ObservedEvent], frontier: Frontier, recorded: Recorded
    ) -> tuple[int, Frontier]:
        """Append `events` after `frontier` in runs until the store refuses one.

        Returns how many events were stored and the tree after them; `frontier` is not changed.
        """
        runs = list(_runs(events))
        trial = frontier.copy()
        entries = appended(runs[0], trial)
        stored_before = 0
        for number in range(len(runs)):
            storing = asyncio.ensure_future(self._log.append(entries))
            upcoming: tuple[Frontier, list[Entry]] | None = None
            try:
                await asyncio.sleep(0)  # the insert is sent before the next run is built
                if number + 1 < len(runs):
                    after = trial.copy()
                    upcoming = after, appended(runs[number + 1], after)
                stored = await storing
            finally:
                storing.cancel()  # only when leaving on an error: the insert's outcome is unknown
            recorded.records.extend(entry.record for entry in entries[:stored])
            if stored < len(entries):  # refused: the tree is what was stored before, plus these
                settled = frontier.copy()
                for entry in entries[:stored]:
                    settled.append(entry.nodes[0])
                return stored_before + stored, settled
            stored_before += stored
            frontier = trial
            if upcoming is not None:
                trial, entries = upcoming
        return stored_before, frontier


def _runs(events: Sequence[ObservedEvent]) -> Iterator[Sequence[ObservedEvent]]:
    """`events` cut in runs of FIRST_RUN, then twice the length of the run before."""
    start, length = 0, FIRST_RUN
    while start < len(events):
        yield events[start : start + length]
        start, length = start + length, length * 2


def _first_of_each(events: Sequence[ObservedEvent]) -> list[ObservedEvent]:
    """The events in order, each event id once (a batch may hold a redelivered copy)."""
    seen: set[str] = set()
    unique = []
    for event in events:
        if event.event_id not in seen:
            seen.add(event.event_id)
            unique.append(event)
    return unique

"""A batch is stored in growing runs, each built while the one before is written."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from services.audit.domain import Entry, ObservedEvent
from services.audit.domain.merkle import Frontier, tree_root
from services.audit.use_cases import RecordEvent, recording

from .test_use_cases import InMemoryAuditLog, InMemoryCheckpoints, observed, verify_log


class SlowLog(InMemoryAuditLog):
    """Each insert takes a turn of the event loop, and says when it starts and ends."""

    def __init__(self, steps: list[tuple[str, int]]) -> None:
        super().__init__()
        self.steps = steps
        self.before_insert: dict[int, list[ObservedEvent]] = {}  # first seq → another's events
        self.other: RecordEvent | None = None

    async def append(self, entries: Sequence[Entry]) -> int:
        first = entries[0].record.seq
        self.steps.append(("store", first))
        if (cutting := self.before_insert.pop(first, None)) and self.other:
            await self.other.many(cutting)  # another replica appends just before this insert
        await asyncio.sleep(0.01)
        stored = await super().append(entries)
        self.steps.append(("stored", first))
        return stored


async def test_the_next_run_is_built_while_the_one_before_is_stored(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    steps: list[tuple[str, int]] = []
    build = recording.appended

    def watched(events: Sequence[ObservedEvent], frontier: Frontier) -> list[Entry]:
        steps.append(("build", frontier.size + 1))
        return build(events, frontier)

    monkeypatch.setattr(recording, "appended", watched)
    audit_log = SlowLog(steps)
    recorded = await RecordEvent(audit_log=audit_log).many([observed(n) for n in range(1, 501)])
    assert [r.seq for r in recorded.records] == list(range(1, 501))
    first, second, third = 1, 1 + recording.FIRST_RUN, 1 + 3 * recording.FIRST_RUN
    assert steps[:6] == [
        ("build", first),
        ("store", first),
        ("build", second),  # built while the first run is being stored
        ("stored", first),
        ("store", second),
        ("build", third),
    ]
    assert [step for step in steps if step[0] == "store"] == [
        ("store", first),
        ("store", second),
        ("store", third),
        ("store", 1 + 7 * recording.FIRST_RUN),
    ]
    assert audit_log.records[-1].seq == 500


@pytest.mark.parametrize("cut_at", [1 + recording.FIRST_RUN, 1 + 3 * recording.FIRST_RUN])
async def test_another_replica_appending_between_runs_leaves_one_gap_free_log(
    cut_at: int,
) -> None:
    audit_log = SlowLog([])
    ours, theirs = RecordEvent(audit_log=audit_log), RecordEvent(audit_log=audit_log)
    audit_log.other = theirs
    # the other replica records one new event and one our batch holds further on
    audit_log.before_insert[cut_at] = [observed(1000), observed(250)]
    recorded = await ours.many([observed(n) for n in range(1, 301)])
    seqs = [r.seq for r in audit_log.records]
    assert seqs == list(range(1, 302))
    ids = [r.event_id for r in audit_log.records]
    assert sorted(ids) == sorted({f"event-{n}" for n in [*range(1, 301), 1000]})
    assert recorded.duplicates == 1  # event 250, recorded by the other replica first
    assert len(recorded.records) == 299
    assert ours.restores == 2  # at the first batch, and once the log had moved under it
    assert ours.tree() is not None
    assert ours.tree().root() == tree_root(r.leaf() for r in audit_log.records)  # type: ignore[union-attr]
    result = await verify_log(audit_log, InMemoryCheckpoints())()
    assert result.ok
    assert result.records == 301

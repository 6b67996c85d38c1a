"""The audit use cases against an in-memory log that refuses a taken seq or event id."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from services.audit.domain import GENESIS, AuditRecord, ChainHead, ObservedEvent, RecordQuery
from services.audit.use_cases import RecordEvent, find_records, verify_log
from tsunagu_schemas.topics import REFERRAL_EVENTS

START = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


class InMemoryAuditLog:
    """Records in seq order, unique by seq and by event id, as the store keeps them."""

    def __init__(self) -> None:
        self.records: list[AuditRecord] = []

    async def head(self) -> ChainHead:
        return self.records[-1].head if self.records else GENESIS

    async def has_event(self, event_id: str) -> bool:
        return any(r.event_id == event_id for r in self.records)

    async def append(self, records: Sequence[AuditRecord]) -> int:
        for stored, record in enumerate(records):
            taken = await self.has_event(record.event_id)
            if taken or any(r.seq == record.seq for r in self.records):
                return stored
            self.records.append(record)
        return len(records)

    async def find(self, query: RecordQuery, *, limit: int) -> list[AuditRecord]:
        found = [r for r in self.records if r.seq > query.after_seq]
        found = [r for r in found if query.referral_id in (None, r.referral_id)]
        return found[:limit]

    async def stored_after(self, seq: int, *, limit: int) -> list[dict[str, Any]]:
        return [r.model_dump() for r in self.records if r.seq > seq][:limit]


def observed(number: int) -> ObservedEvent:
    return ObservedEvent(
        event_id=f"event-{number}",
        type="tsunagu.referral.accepted",
        source="urn:tsunagu:referrals",
        subject=f"referral-{number % 2}",
        time=START + timedelta(minutes=number),
        topic=REFERRAL_EVENTS,
        data={"referral_id": f"referral-{number % 2}", "actor_agency_id": "agency-b"},
    )


async def test_each_event_is_recorded_once_in_a_gap_free_verified_chain() -> None:
    audit_log = InMemoryAuditLog()
    record_event = RecordEvent(audit_log=audit_log)
    assert await record_event(observed(1)) is not None
    assert await record_event(observed(1)) is None
    recorded = await record_event.many([observed(2), observed(1), observed(3), observed(2)])
    assert [r.seq for r in recorded.records] == [2, 3]
    assert recorded.duplicates == 2
    result = await verify_log(audit_log, batch_size=2)
    assert result.ok
    assert result.records == 3


async def test_two_replicas_appending_to_one_log_never_fork_the_chain() -> None:
    audit_log = InMemoryAuditLog()
    first, second = RecordEvent(audit_log=audit_log), RecordEvent(audit_log=audit_log)
    await first(observed(1))
    await second(observed(2))  # second's view of the head is read fresh
    await first(observed(3))  # first's cached head is stale: the seq is taken, it re-reads
    assert [r.seq for r in audit_log.records] == [1, 2, 3]
    assert (await verify_log(audit_log, batch_size=10)).ok


async def test_a_tampered_record_is_named_by_verification() -> None:
    audit_log = InMemoryAuditLog()
    await RecordEvent(audit_log=audit_log).many([observed(n) for n in range(1, 5)])
    audit_log.records[2] = audit_log.records[2].model_copy(update={"actor": "someone-else"})
    result = await verify_log(audit_log, batch_size=2)
    assert not result.ok
    assert result.first_bad_seq == 3


async def test_search_pages_with_the_seq_of_the_last_record() -> None:
    audit_log = InMemoryAuditLog()
    await RecordEvent(audit_log=audit_log).many([observed(n) for n in range(1, 6)])
    query = RecordQuery(referral_id="referral-1")
    page, after = await find_records(audit_log, query, limit=2)
    assert [r.seq for r in page] == [1, 3]
    assert after == 3
    rest, end = await find_records(audit_log, RecordQuery("referral-1", after_seq=3), limit=2)
    assert [r.seq for r in rest] == [5]
    assert end is None

"""The fault tests' exactly-once check fails when the audit log records a redelivery twice."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from typing import Any

import pytest
from pymongo.asynchronous.collection import AsyncCollection

from services.audit.adapters.mongo import MongoAuditLog, stored_documents
from services.audit.domain import Entry, ObservedEvent, RecordQuery
from services.audit.use_cases import RecordEvent
from tests.faults.settlement import assert_recorded_exactly_once
from tests.infra import Endpoints, scratch_database


class AuditLogWithoutDedupe(MongoAuditLog):
    """The audit log with its idempotence broken on purpose: every delivery is a new record."""

    async def has_event(self, event_id: str) -> bool:
        return False

    async def append(self, entries: Sequence[Entry]) -> int:
        """Insert under fresh ids, so that the event id no longer guards against a second copy."""
        for document in stored_documents(entries):
            await self._records.insert_one({**document, "_id": str(uuid.uuid4())})
        return len(entries)


@pytest.fixture
async def records(endpoints: Endpoints) -> AsyncIterator[AsyncCollection[dict[str, Any]]]:
    """A fresh audit collection on the test store, dropped afterwards."""
    async with scratch_database(endpoints.mongo_url, "faults_checks") as database:
        yield database["records"]


def _event(referral_id: str) -> ObservedEvent:
    return ObservedEvent(
        event_id=str(uuid.uuid4()),
        type="tsunagu.referral.created",
        source="urn:tsunagu:referrals",
        subject=referral_id,
        time=datetime.now(UTC),
        topic="tsunagu.referral.events",
        data={"referral_id": referral_id, "parties": []},
    )


async def _delivered_twice(audit_log: MongoAuditLog) -> tuple[str, list[str]]:
    """Record one event, deliver it again, and return its id and the ids recorded."""
    await audit_log.ensure_indexes()
    referral_id = f"ref-{uuid.uuid4().hex[:8]}"
    event = _event(referral_id)
    record_event = RecordEvent(audit_log=audit_log)
    await record_event(event)
    await record_event(event)
    records = await audit_log.find(RecordQuery(referral_id=referral_id), limit=10)
    return event.event_id, [r.event_id for r in records]


async def test_a_redelivered_event_is_recorded_once_and_passes_the_check(
    records: AsyncCollection[dict[str, Any]],
) -> None:
    collection = records
    event_id, recorded = await _delivered_twice(MongoAuditLog(collection=collection))
    assert_recorded_exactly_once([event_id], recorded, where="audit log")


async def test_the_check_fails_when_the_audit_dedupe_is_disabled(
    records: AsyncCollection[dict[str, Any]],
) -> None:
    collection = records
    event_id, recorded = await _delivered_twice(AuditLogWithoutDedupe(collection=collection))
    assert recorded == [event_id, event_id]
    with pytest.raises(AssertionError, match="recorded more than once"):
        assert_recorded_exactly_once([event_id], recorded, where="audit log")


def test_the_check_fails_when_an_event_is_lost_or_foreign() -> None:
    with pytest.raises(AssertionError, match="never recorded"):
        assert_recorded_exactly_once(["a", "b"], ["a"], where="inbox")
    with pytest.raises(AssertionError, match="never produced"):
        assert_recorded_exactly_once(["a"], ["a", "poison"], where="inbox")

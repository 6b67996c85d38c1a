"""Hash chaining and verification of the audit log, as pure functions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.audit.domain import (
    GENESIS,
    GENESIS_HASH,
    AuditRecord,
    ObservedEvent,
    next_record,
    verify_chain,
)
from tsunagu_schemas.topics import REFERRAL_EVENTS

START = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)


def event(number: int) -> ObservedEvent:
    """A referral event, distinct for each number."""
    return ObservedEvent(
        event_id=f"event-{number}",
        type="tsunagu.referral.accepted",
        source="urn:tsunagu:referrals",
        subject=f"referral-{number}",
        time=START + timedelta(minutes=number),
        topic=REFERRAL_EVENTS,
        data={"referral_id": f"referral-{number}", "actor_agency_id": "agency-b", "version": 2},
    )


def chain(length: int) -> list[AuditRecord]:
    """A valid chain of `length` records."""
    records: list[AuditRecord] = []
    head = GENESIS
    for number in range(1, length + 1):
        record = next_record(event(number), head=head)
        records.append(record)
        head = record.head
    return records


def test_records_are_numbered_from_one_and_linked_to_the_previous_hash() -> None:
    records = chain(3)
    assert [r.seq for r in records] == [1, 2, 3]
    assert records[0].prev_hash == GENESIS_HASH
    assert records[1].prev_hash == records[0].hash
    assert records[2].prev_hash == records[1].hash


def test_an_intact_chain_verifies_with_its_head() -> None:
    records = chain(5)
    result = verify_chain(records)
    assert result.ok
    assert result.records == 5
    assert result.head == records[-1].head
    assert result.first_bad_seq is None


def test_an_empty_chain_verifies_with_the_genesis_head() -> None:
    result = verify_chain([])
    assert result.ok
    assert result.records == 0
    assert result.head == GENESIS


@pytest.mark.parametrize(
    "change",
    [{"type": "tsunagu.referral.declined"}, {"actor": "agency-z"}, {"agency_ids": ["x"]}],
)
def test_a_tampered_record_is_the_first_bad_seq(change: dict[str, object]) -> None:
    records = chain(5)
    records[2] = records[2].model_copy(update=change)
    result = verify_chain(records)
    assert not result.ok
    assert result.first_bad_seq == 3
    assert result.records == 2
    assert "hash" in (result.reason or "")


def test_a_tampered_record_with_a_recomputed_hash_breaks_the_next_link() -> None:
    records = chain(5)
    altered = records[2].model_copy(update={"actor": "agency-z"})
    records[2] = altered.model_copy(update={"hash": altered.expected_hash()})
    result = verify_chain(records)
    assert not result.ok
    assert result.first_bad_seq == 4
    assert "prev_hash" in (result.reason or "")


def test_a_removed_record_is_reported_at_its_missing_seq() -> None:
    records = chain(5)
    del records[1]
    result = verify_chain(records)
    assert not result.ok
    assert result.first_bad_seq == 2
    assert "missing" in (result.reason or "")


def test_a_removed_last_record_is_not_detectable_from_the_records_alone() -> None:
    records = chain(5)
    result = verify_chain(records[:-1])
    assert result.ok
    assert result.head == records[-2].head


def test_a_reordered_record_is_reported_at_the_first_displaced_seq() -> None:
    records = chain(5)
    records[1], records[2] = records[2], records[1]
    result = verify_chain(records)
    assert not result.ok
    assert result.first_bad_seq == 2


def test_records_renumbered_after_a_swap_fail_on_their_links() -> None:
    records = chain(5)
    second, third = records[1], records[2]
    records[1] = third.model_copy(update={"seq": 2})
    records[2] = second.model_copy(update={"seq": 3})
    result = verify_chain(records)
    assert not result.ok
    assert result.first_bad_seq == 2


def test_a_repeated_record_is_reported() -> None:
    records = chain(3)
    result = verify_chain([records[0], records[1], records[1], records[2]])
    assert not result.ok
    assert result.first_bad_seq == 3
    assert "repeated" in (result.reason or "")

"""What an audit record says about an event, and how it is encoded."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone

import pytest

from services.audit.adapters.mongo import stored_documents
from services.audit.domain import (
    AuditRecord,
    Entry,
    ObservedEvent,
    canonical_json,
    new_record,
    plain_json,
    read_record,
    recorded,
    rfc3339,
)
from services.audit.ports import NODES_FIELD
from tsunagu_schemas import ReferralEventData, SubjectViewedData, ViewPurpose
from tsunagu_schemas.subject_view import SUBJECT_VIEWED
from tsunagu_schemas.topics import DIRECTORY_EVENTS, NOTIFICATION_EVENTS, REFERRAL_EVENTS

WHEN = datetime(2026, 4, 1, 9, 30, tzinfo=UTC)


def observed(event_type: str, topic: str, data: Mapping[str, object]) -> ObservedEvent:
    """An event from the source `urn:tsunagu:test`."""
    return ObservedEvent(
        event_id="e-1",
        type=event_type,
        source="urn:tsunagu:test",
        subject="s-1",
        time=WHEN,
        topic=topic,
        data=data,
    )


def referral_data() -> dict[str, object]:
    """The data of a referral accepted by agency b after a handoff from agency a."""
    return ReferralEventData(
        referral_id="r-1",
        version=3,
        leg=2,
        from_agency_id="agency-a",
        to_agency_id="agency-b",
        needs=["housing"],
        urgency="urgent",
        status="accepted",
        actor_agency_id="agency-b",
        parties=["agency-a", "agency-b", "agency-c"],
        occurred_at=WHEN,
    ).model_dump()


def accepted_record() -> AuditRecord:
    """The first record of a log: a referral accepted."""
    event = observed("tsunagu.referral.accepted", REFERRAL_EVENTS, referral_data())
    return new_record(event, seq=1)


def test_canonical_json_sorts_keys_drops_spaces_and_keeps_unicode() -> None:
    encoded = canonical_json({"b": 1, "a": ["つなぐ", None], "c": {"z": True, "y": 1.5}})
    assert encoded == '{"a":["つなぐ",null],"b":1,"c":{"y":1.5,"z":true}}'.encode()


def test_canonical_json_writes_times_in_utc_with_fixed_width() -> None:
    tokyo = timezone(timedelta(hours=9))
    assert canonical_json(datetime(2026, 4, 1, 18, 30, tzinfo=tokyo)) == (
        b'"2026-04-01T09:30:00.000000Z"'
    )
    assert rfc3339(datetime(2026, 4, 1, 9, 30, 0, 5)) == "2026-04-01T09:30:00.000005Z"


def test_canonical_json_refuses_nan() -> None:
    with pytest.raises(ValueError, match="JSON"):
        canonical_json({"x": math.nan})


def test_a_referral_record_names_the_acting_agency_and_every_party() -> None:
    record = accepted_record()
    assert record.actor == "agency-b"
    assert record.referral_id == "r-1"
    assert record.agency_ids == ["agency-a", "agency-b", "agency-c"]
    assert record.time == "2026-04-01T09:30:00.000000Z"
    assert record.topic == REFERRAL_EVENTS


def test_the_record_keeps_the_whole_data_as_plain_json() -> None:
    data = referral_data()
    record = new_record(observed("tsunagu.referral.accepted", REFERRAL_EVENTS, data), seq=7)
    assert record.seq == 7
    assert record.data == json.loads(canonical_json(data))
    assert record.data["occurred_at"] == "2026-04-01T09:30:00.000000Z"
    assert record.data["parties"] == ["agency-a", "agency-b", "agency-c"]


def test_an_agency_record_is_acted_by_the_agency_itself() -> None:
    data = {"agency_id": "agency-q", "name": "Q", "version": 1}
    kind = "tsunagu.agency.registered"
    record = new_record(observed(kind, DIRECTORY_EVENTS, data), seq=1)
    assert record.actor == "agency-q"
    assert record.agency_ids == ["agency-q"]
    assert record.referral_id is None


def test_a_notification_record_is_acted_by_the_source() -> None:
    data = {"agency_id": "agency-q", "referral_id": "r-9", "notification_id": "n-1"}
    kind = "tsunagu.notification.delivered"
    record = new_record(observed(kind, NOTIFICATION_EVENTS, data), seq=1)
    assert record.actor == "urn:tsunagu:test"
    assert record.agency_ids == ["agency-q"]
    assert record.referral_id == "r-9"


def test_the_leaf_is_the_canonical_json_of_every_field() -> None:
    record = accepted_record()
    leaf = record.leaf()
    assert leaf == canonical_json(record.model_dump())
    assert json.loads(leaf)["data"]["referral_id"] == "r-1"
    assert leaf.startswith(b'{"actor":"agency-b","agency_ids":')
    assert record.index == 0


@pytest.mark.parametrize(
    "value",
    [referral_data(), {"t": (1, 2.5, None, True), "k": {"x": "つなぐ"}, "when": WHEN}],
)
def test_plain_json_is_what_the_canonical_json_reads_back(value: object) -> None:
    expected = json.loads(canonical_json(value))
    assert plain_json(value) == expected
    assert canonical_json(plain_json(value)) == canonical_json(value)


def test_plain_json_refuses_what_json_cannot_say() -> None:
    with pytest.raises(ValueError, match="NaN"):
        plain_json({"x": math.inf})
    with pytest.raises(TypeError):
        plain_json({1: "x"})
    with pytest.raises(TypeError):
        plain_json({"x": object()})


def test_the_leaf_is_encoded_once_and_equals_the_records_canonical_json() -> None:
    for data in (referral_data(), json.loads(canonical_json(referral_data()))):
        event = observed("tsunagu.referral.accepted", REFERRAL_EVENTS, data)
        record, leaf = recorded(event, seq=3)
        assert leaf == record.leaf() == canonical_json(record.model_dump())
        assert record.data["occurred_at"] == "2026-04-01T09:30:00.000000Z"


def test_a_read_of_a_persons_data_is_recorded_as_acted_by_the_reader() -> None:
    data = SubjectViewedData(
        referral_id="r-1",
        version=3,
        actor_agency_id="agency-b",
        standing="asked",
        purpose=ViewPurpose.READ,
        route="GET /v1/referrals/{referral_id}",
        occurred_at=WHEN,
    ).model_dump()
    record = new_record(observed(SUBJECT_VIEWED, REFERRAL_EVENTS, data), seq=1)
    assert (record.actor, record.referral_id, record.agency_ids) == (
        "agency-b",
        "r-1",
        ["agency-b"],
    )


def test_a_stored_document_holds_the_record_as_dumped_and_reads_back_to_the_same_leaf() -> None:
    record = accepted_record()
    nodes = (b"\x01" * 32,)
    document = stored_documents([Entry(record, nodes)])[0]
    assert document["_id"] == record.event_id
    assert document[NODES_FIELD] == list(nodes)
    assert {k: v for k, v in document.items() if k not in ("_id", NODES_FIELD)} == (
        record.model_dump()
    )
    again = read_record({k: v for k, v in document.items() if k not in ("_id", NODES_FIELD)})
    assert again.leaf() == record.leaf()

"""Events built for the outbox read back as CloudEvents, and bad records are recognised."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from cloudevents.core.bindings import kafka as ce_kafka

from tsunagu.events import ForeignSource, PoisonEvent, outbox_entry, parse_event
from tsunagu_schemas import ReferralEventData, ReferralStatus, Urgency, topics

NOW = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)


def _referral_data(**changes: Any) -> ReferralEventData:
    fields: dict[str, Any] = {
        "referral_id": "ref_1",
        "version": 1,
        "leg": 1,
        "from_agency_id": "agc_a",
        "to_agency_id": "agc_b",
        "needs": ["food"],
        "urgency": Urgency.URGENT,
        "status": ReferralStatus.REQUESTED,
        "actor_agency_id": "agc_a",
        "parties": ["agc_a", "agc_b"],
        "occurred_at": NOW,
    }
    return ReferralEventData(**(fields | changes))


def _entry() -> dict[str, Any]:
    return outbox_entry(
        event_type="tsunagu.referral.created",
        subject="ref_1",
        data=_referral_data(),
        service="referrals",
        time=NOW,
    )


def _parse(entry: dict[str, Any], *, body: bytes | None = None, topic: str | None = None) -> Any:
    return parse_event(
        headers=entry["headers"],
        body=body if body is not None else json.dumps(entry["data"]).encode(),
        topic=topic or entry["topic"],
        partition=0,
        offset=7,
    )


def test_an_outbox_entry_travels_on_the_referral_topic_keyed_by_the_referral() -> None:
    entry = _entry()
    assert entry["topic"] == topics.REFERRAL_EVENTS
    assert entry["key"] == "ref_1"
    assert entry["headers"]["ce_type"] == "tsunagu.referral.created"
    assert entry["headers"]["ce_time"] == "2026-11-27T09:30:00Z"
    assert entry["headers"]["traceparent"].startswith("00-")


def test_the_cloudevents_sdk_reads_an_outbox_entry_in_binary_mode() -> None:
    entry = _entry()
    message = ce_kafka.KafkaMessage(
        headers={k: v.encode() for k, v in entry["headers"].items()},
        key=entry["key"].encode(),
        value=json.dumps(entry["data"]).encode(),
    )
    event = ce_kafka.from_binary_event(message)
    assert event.get_id() == entry["event_id"]
    assert event.get_type() == "tsunagu.referral.created"
    assert event.get_source() == "urn:tsunagu:referrals"
    assert event.get_subject() == "ref_1"
    assert event.get_data() == entry["data"]


def test_a_well_formed_record_parses_into_validated_data() -> None:
    event = _parse(_entry())
    assert event.type == "tsunagu.referral.created"
    assert event.data == _referral_data()
    assert (event.topic, event.offset) == (topics.REFERRAL_EVENTS, 7)


def test_a_body_that_is_not_json_is_poison() -> None:
    with pytest.raises(PoisonEvent, match="invalid data"):
        _parse(_entry(), body=b"{not json")


def test_data_that_breaks_the_contract_is_poison_and_names_the_field() -> None:
    entry = _entry()
    entry["data"]["urgency"] = "whenever"
    with pytest.raises(PoisonEvent, match="urgency"):
        _parse(entry)


def test_missing_cloudevents_headers_are_poison() -> None:
    entry = _entry()
    del entry["headers"]["ce_id"]
    with pytest.raises(PoisonEvent, match="ce_id"):
        _parse(entry)


def test_an_event_on_the_wrong_topic_is_poison() -> None:
    with pytest.raises(PoisonEvent, match="does not belong"):
        _parse(_entry(), topic=topics.DIRECTORY_EVENTS)


def test_an_unknown_event_type_is_poison() -> None:
    entry = _entry()
    entry["headers"]["ce_type"] = "tsunagu.referral.teleported"
    with pytest.raises(PoisonEvent, match="invalid envelope"):
        _parse(entry)


def test_an_event_from_a_service_not_owning_its_topic_is_a_foreign_source() -> None:
    entry = outbox_entry(
        event_type="tsunagu.referral.accepted",
        subject="ref_1",
        data=_referral_data(),
        service="notifications",
        time=NOW,
    )
    with pytest.raises(ForeignSource, match="not urn:tsunagu:referrals") as raised:
        _parse(entry)
    assert raised.value.reason == "foreign_source"
    assert _parse(_entry()).attributes.source == "urn:tsunagu:referrals"

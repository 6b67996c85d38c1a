"""Webhook payloads: structured CloudEvents, signed with a per-agency secret."""

from __future__ import annotations

import hashlib
import hmac
import json

from cloudevents.core.bindings.http import HTTPMessage, from_http_event

from services.notifications.domain import (
    SourceEvent,
    agency_secret,
    signature,
    signature_matches,
    structured_cloudevent,
    webhook_body,
)

# RFC 4231-style known answer: HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog").
FOX = b"The quick brown fox jumps over the lazy dog"
FOX_HMAC = "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"


def test_the_signature_is_the_hex_hmac_sha256_of_the_body() -> None:
    assert signature(secret="key", body=FOX) == f"sha256={FOX_HMAC}"


def test_a_signature_of_other_bytes_does_not_match() -> None:
    assert signature_matches(secret="key", body=FOX, header=f"sha256={FOX_HMAC}")
    assert not signature_matches(secret="key", body=FOX + b" ", header=f"sha256={FOX_HMAC}")
    assert not signature_matches(secret="other", body=FOX, header=f"sha256={FOX_HMAC}")


def test_each_agency_has_its_own_secret_derived_from_the_signing_key() -> None:
    secret = agency_secret(signing_key="key", agency_id="agency-a")
    expected = hmac.new(b"key", b"agency-a", hashlib.sha256).hexdigest()
    assert secret == expected
    assert agency_secret(signing_key="key", agency_id="agency-b") != secret
    assert agency_secret(signing_key="other-key", agency_id="agency-a") != secret


def test_the_structured_cloudevent_carries_every_attribute_and_the_data(
    event: SourceEvent,
) -> None:
    document = structured_cloudevent(event)
    assert document == {
        "specversion": "1.0",
        "id": "evt-1",
        "source": "urn:tsunagu:referrals",
        "type": "tsunagu.referral.accepted",
        "time": "2026-11-27T09:30:00Z",
        "subject": "ref-1",
        "datacontenttype": "application/json",
        "dataschema": "https://schemas.tsunagu.org/v1/referral-event.json",
        "data": event.data,
    }


def test_the_webhook_body_is_read_by_a_cloudevents_sdk(event: SourceEvent) -> None:
    body = webhook_body(event)
    parsed = from_http_event(
        HTTPMessage(headers={"content-type": "application/cloudevents+json"}, body=body)
    )
    assert parsed.get_id() == "evt-1"
    assert parsed.get_type() == "tsunagu.referral.accepted"
    assert parsed.get_subject() == "ref-1"
    assert parsed.get_time() == event.time
    assert parsed.get_data() == event.data
    assert json.loads(body)["data"]["referral_id"] == "ref-1"

"""Webhook payloads: structured CloudEvents, signed the Standard Webhooks way."""

from __future__ import annotations

import json

import pytest
from cloudevents.core.bindings.http import HTTPMessage, from_http_event

from services.notifications.domain import (
    MalformedSecret,
    SourceEvent,
    secret_key,
    secret_text,
    sign,
    signature_header,
    signature_matches,
    structured_cloudevent,
    webhook_body,
)

# The example of the Standard Webhooks specification and its reference libraries.
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SPEC_TIMESTAMP = 1614265330
SPEC_BODY = b'{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_the_signature_is_the_one_the_standard_webhooks_example_gives() -> None:
    key = secret_key(SPEC_SECRET)
    assert sign(key, message_id=SPEC_ID, timestamp=SPEC_TIMESTAMP, body=SPEC_BODY) == (
        SPEC_SIGNATURE
    )
    assert secret_text(key) == SPEC_SECRET
    assert secret_key(SPEC_SECRET.removeprefix("whsec_")) == key


def test_a_signature_of_another_id_time_body_or_secret_does_not_match() -> None:
    signed = {"message_id": SPEC_ID, "timestamp": SPEC_TIMESTAMP, "body": SPEC_BODY}
    assert signature_matches(SPEC_SECRET, header=SPEC_SIGNATURE, **signed)
    for change in ({"message_id": "msg_other"}, {"timestamp": SPEC_TIMESTAMP + 1}):
        assert not signature_matches(SPEC_SECRET, header=SPEC_SIGNATURE, **(signed | change))
    assert not signature_matches(SPEC_SECRET, header=SPEC_SIGNATURE, **(signed | {"body": b"{}"}))
    other = secret_text(b"another key of thirty-two bytes!")
    assert not signature_matches(other, header=SPEC_SIGNATURE, **signed)


def test_several_keys_give_space_separated_signatures_each_verifiable() -> None:
    new, old = b"n" * 32, secret_key(SPEC_SECRET)
    header = signature_header(
        [new, old], message_id=SPEC_ID, timestamp=SPEC_TIMESTAMP, body=SPEC_BODY
    )
    first, second = header.split(" ")
    assert second == SPEC_SIGNATURE
    assert first == sign(new, message_id=SPEC_ID, timestamp=SPEC_TIMESTAMP, body=SPEC_BODY)
    signed = {"message_id": SPEC_ID, "timestamp": SPEC_TIMESTAMP, "body": SPEC_BODY}
    assert signature_matches(secret_text(new), header=header, **signed)
    assert signature_matches(SPEC_SECRET, header=header, **signed)
    with pytest.raises(ValueError, match="at least one key"):
        signature_header([], message_id=SPEC_ID, timestamp=SPEC_TIMESTAMP, body=SPEC_BODY)


def test_a_secret_that_is_not_base64_is_refused() -> None:
    with pytest.raises(MalformedSecret):
        secret_key("whsec_not base64!")


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

"""The audit log keeps that an agency's delivery settings changed, never the addresses."""

from __future__ import annotations

from datetime import UTC, datetime

from services.audit.adapters.subscribers import observed
from tsunagu.events import ReceivedEvent
from tsunagu_schemas import AgencyDeliveryData, CloudEventAttributes
from tsunagu_schemas.agency import DeliveryPreferences
from tsunagu_schemas.topics import DIRECTORY_DELIVERY, DIRECTORY_EVENTS

MOMENT = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)


def _delivery_event(topic: str, **delivery: object) -> ReceivedEvent:
    data = AgencyDeliveryData(
        agency_id="agc_1",
        version=3,
        delivery=DeliveryPreferences.model_validate(delivery),
        occurred_at=MOMENT,
    )
    attributes = CloudEventAttributes(
        id="evt-1",
        source="urn:tsunagu:directory",
        type="tsunagu.agency.delivery_changed",
        time=MOMENT,
        subject="agc_1",
    )
    return ReceivedEvent(attributes=attributes, data=data, topic=topic, partition=0, offset=0)


def test_the_webhook_url_and_the_email_of_an_agency_are_withheld_the_channels_kept() -> None:
    event = _delivery_event(
        DIRECTORY_DELIVERY, webhook_url="https://hooks.example.org/in", email="sato@example.org"
    )
    data = observed(event).data
    assert data["delivery"] == {"webhook_url": "withheld", "email": "withheld", "kafka": False}
    assert (data["agency_id"], data["version"]) == ("agc_1", 3)
    assert "example.org" not in str(data)


def test_an_address_not_given_stays_none_and_other_topics_are_kept_as_they_are() -> None:
    data = observed(_delivery_event(DIRECTORY_DELIVERY, kafka=True)).data
    assert data["delivery"] == {"webhook_url": None, "email": None, "kafka": True}
    other = observed(_delivery_event(DIRECTORY_EVENTS, email="sato@example.org")).data
    assert other["delivery"]["email"] == "sato@example.org"

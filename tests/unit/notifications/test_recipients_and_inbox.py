"""Who is told about a referral event, and what their inbox says."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from services.notifications.domain import (
    AgencyContact,
    SourceEvent,
    inbox_entries,
    recipients,
)
from tsunagu_schemas import AgencyDeliveryData, Channel, ReferralEventData


def test_every_party_is_told_once_even_when_named_twice(
    referral_data: Callable[..., ReferralEventData],
) -> None:
    data = referral_data(
        parties=["agency-a", "agency-b", "agency-c", "agency-a"],
        from_agency_id="agency-b",
        to_agency_id="agency-c",
    )
    assert recipients(data) == ["agency-a", "agency-b", "agency-c"]


def test_the_current_leg_is_told_even_when_parties_are_missing(
    referral_data: Callable[..., ReferralEventData],
) -> None:
    data = referral_data(parties=[], from_agency_id="agency-x", to_agency_id="agency-y")
    assert recipients(data) == ["agency-x", "agency-y"]


def test_each_party_gets_one_unread_entry_with_a_deterministic_id(event: SourceEvent) -> None:
    now = datetime(2026, 11, 27, 10, tzinfo=UTC)
    entries = inbox_entries(event, agency_ids=["agency-a", "agency-b"], now=now)
    assert [e.notification_id for e in entries] == ["evt-1:agency-a", "evt-1:agency-b"]
    assert all(not e.read and e.created_at == now for e in entries)
    assert entries[0].referral_id == "ref-1"
    assert entries[0].event_type == "tsunagu.referral.accepted"


def test_the_summary_names_ids_and_states_only(
    make_event: Callable[..., SourceEvent], referral_data: Callable[..., ReferralEventData]
) -> None:
    event = make_event(referral_data(reason="no_capacity"))
    (entry,) = inbox_entries(event, agency_ids=["agency-a"], now=event.time)
    assert entry.summary == (
        "Referral ref-1 accepted by agency agency-b "
        "(leg 1: agency-a → agency-b, urgent, status accepted); reason no_capacity"
    )


def test_an_agency_chooses_its_channels_beyond_the_inbox(moment: datetime) -> None:
    data = AgencyDeliveryData.model_validate(
        {
            "agency_id": "agency-a",
            "version": 3,
            "delivery": {"webhook_url": "https://a.example/hook", "kafka": True},
            "occurred_at": moment,
        }
    )
    contact = AgencyContact.from_event(data)
    assert contact.version == 3
    assert contact.channels() == [Channel.KAFKA, Channel.WEBHOOK]
    assert AgencyContact(agency_id="b", version=1).channels() == []


def test_only_the_audience_is_told_and_each_copy_names_no_earlier_party(moment: datetime) -> None:
    data = {
        "referral_id": "ref-1",
        "version": 3,
        "leg": 2,
        "from_agency_id": "holder",
        "to_agency_id": "asked",
        "needs": ["food"],
        "urgency": "urgent",
        "status": "requested",
        "actor_agency_id": "holder",
        "parties": ["holder", "decliner", "follower", "asked"],
        "audience": ["holder", "follower", "asked"],
        "occurred_at": moment.isoformat(),
    }
    event = SourceEvent(
        id="e-1",
        source="urn:tsunagu:referrals",
        type="tsunagu.referral.handed_off",
        time=moment,
        subject="ref-1",
        dataschema=None,
        traceparent=None,
        data=data,
    )
    assert recipients(event.referral) == ["holder", "follower", "asked"]
    copy = event.for_recipient("follower")
    assert copy.data["parties"] == ["holder", "follower", "asked"]
    assert "audience" not in copy.data
    assert event.for_recipient("asked").data["parties"] == ["holder", "asked"]
    assert event.data["parties"] == ["holder", "decliner", "follower", "asked"]  # unchanged
    older = {k: v for k, v in data.items() if k != "audience"}
    assert recipients(ReferralEventData.model_validate(older)) == [
        "holder",
        "decliner",
        "follower",
        "asked",
    ]

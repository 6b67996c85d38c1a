"""Handoffs that are declined, refused for want of a legal basis, or covered by a meeting."""

from __future__ import annotations

from datetime import timedelta

from aiokafka import TopicPartition

from tests.integration.kafka_positions import read_until_now
from tests.scenarios.city import City, consent, events_of

MEETING = {"kind": "support_meeting", "reference": "支援会議 2026-11 第3回"}


async def test_a_declined_handoff_stays_with_the_holder_who_then_routes_it_elsewhere(
    city: City, referral_events: dict[TopicPartition, int]
) -> None:
    hotline, cafeteria = await city.register("hotline"), await city.register("cafeteria")
    food_bank = await city.register("food bank")
    created = await city.refer(hotline, cafeteria)
    assert created.status_code == 201, created.text
    referral_id = created.json()["id"]

    declined = await city.act(referral_id, "decline", cafeteria, {"reason": "no_capacity"})
    assert declined.status_code == 200, declined.text
    assert (declined.json()["status"], declined.json()["holder_agency_id"]) == (
        "declined",
        hotline,
    )
    assert declined.json()["allowed_actions"] == ["handoff", "close"]
    rerouted = await city.act(
        referral_id, "handoff", hotline, {"to_agency_id": food_bank, "reason": "declined_elsewhere"}
    )
    assert rerouted.json()["holder_agency_id"] == hotline, "the holder keeps it until accepted"
    accepted = await city.act(referral_id, "accept", food_bank)
    view = accepted.json()
    assert (view["status"], view["holder_agency_id"]) == ("accepted", food_bank)
    assert [(leg["to_agency_id"], leg["status"]) for leg in view["legs"]] == [
        (cafeteria, "declined"),
        (food_bank, "accepted"),
    ]

    types = [
        "tsunagu.referral.created",
        "tsunagu.referral.declined",
        "tsunagu.referral.handed_off",
        "tsunagu.referral.accepted",
    ]
    events = await events_of(city.bootstrap, referral_events, referral_id, types)
    assert events[1][1]["reason"] == "no_capacity"
    assert events[2][1]["from_agency_id"] == hotline
    records = await city.audit_records(referral_id, len(types))
    assert [r["type"] for r in records] == types


async def test_a_handoff_outside_the_consent_is_refused_and_succeeds_under_a_support_meeting(
    city: City, referral_events: dict[TopicPartition, int]
) -> None:
    hotline, shelter = await city.register("hotline"), await city.register("shelter")
    welfare = await city.register("welfare office")
    created = await city.refer(hotline, shelter, basis=consent(city.clock.now(), shelter))
    referral_id = created.json()["id"]
    await city.act(referral_id, "accept", shelter)

    handoff = {"to_agency_id": welfare, "reason": "needs_other_support"}
    refused = await city.act(referral_id, "handoff", shelter, handoff)
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"][0]["field"] == "basis.scope"
    assert welfare in refused.json()["detail"]

    meeting = {**MEETING, "obtained_at": city.clock.now().isoformat()}
    handed = await city.act(referral_id, "handoff", shelter, {**handoff, "basis": meeting})
    assert handed.status_code == 200, handed.text
    assert handed.json()["legs"][1]["basis"]["kind"] == "support_meeting"

    types = ["tsunagu.referral.created", "tsunagu.referral.accepted", "tsunagu.referral.handed_off"]
    events = await events_of(city.bootstrap, referral_events, referral_id, types)
    assert events[2][1]["to_agency_id"] == welfare
    assert [r["type"] for r in await city.audit_records(referral_id, 3)] == types


async def test_a_referral_under_an_expired_consent_is_refused_and_nothing_is_published(
    city: City, referral_events: dict[TopicPartition, int]
) -> None:
    hotline, food_bank = await city.register("hotline"), await city.register("food bank")
    valid = await city.refer(hotline, food_bank)  # now the refusal can only be the consent's
    assert valid.status_code == 201, valid.text
    expired = consent(city.clock.now() - timedelta(days=40), days=30)
    refused = await city.refer(hotline, food_bank, basis=expired)
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"][0]["field"] == "basis.expires_at"
    assert "expired" in refused.json()["detail"]

    published = await read_until_now(city.bootstrap, referral_events)
    from_hotline = [r for r in published if hotline.encode() in r.value]
    assert len(from_hotline) == 1, "only the first, valid referral was published"
    await city.audit_records(valid.json()["id"], 1)
    audited = await city.audit.get("/v1/audit/records", params={"agency_id": hotline})
    about_referrals = [
        r for r in audited.json()["items"] if r["type"].startswith("tsunagu.referral")
    ]
    assert [r["subject"] for r in about_referrals] == [valid.json()["id"]]

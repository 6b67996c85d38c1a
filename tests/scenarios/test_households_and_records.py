"""Whole-family support without oversharing, and the art. 29 provision record of an agency."""

from __future__ import annotations

from datetime import datetime, timedelta

from aiokafka import TopicPartition

from tests.access import acting
from tests.scenarios.city import City, events_of

MEETING = {"kind": "support_meeting", "reference": "要対協 2026-12"}


async def test_linked_household_referrals_show_each_other_only_as_existing(
    city: City, referral_events: dict[TopicPartition, int]
) -> None:
    office = await city.register("welfare office")
    cafeteria = await city.register("children's cafeteria")
    hikikomori = await city.register("hikikomori centre")
    child = (await city.refer(office, cafeteria)).json()["id"]
    parent = (await city.refer(office, hikikomori)).json()["id"]

    outsider_link = await city.referrals.post(
        f"/v1/referrals/{child}/links",
        json={"referral_id": parent},
        headers=acting(cafeteria),
    )
    assert outsider_link.status_code == 404, "the cafeteria is not party to the parent's referral"
    linked = await city.referrals.post(
        f"/v1/referrals/{child}/links",
        json={"referral_id": parent},
        headers=acting(office),
    )
    assert linked.status_code == 201, linked.text

    seen = await city.referrals.get(f"/v1/referrals/{child}/links", headers=acting(cafeteria))
    assert seen.json()["items"] == [{"id": parent, "status": "requested", "party": False}]
    other_way = await city.referrals.get(
        f"/v1/referrals/{parent}/links", headers=acting(hikikomori)
    )
    assert [i["id"] for i in other_way.json()["items"]] == [child]
    assert (await city.read(parent, cafeteria)).status_code == 404, "no content of the other"
    assert (await city.read(child, cafeteria)).json()["subject"]["display_name"]

    for referral_id in (child, parent):
        await events_of(city.bootstrap, referral_events, referral_id, ["tsunagu.referral.created"])
        assert len(await city.audit_records(referral_id, 1)) == 1


async def test_the_provision_record_lists_exactly_the_disclosures_made_to_an_agency(
    city: City, referral_events: dict[TopicPartition, int]
) -> None:
    hotline, food_bank = await city.register("hotline"), await city.register("food bank")
    welfare = await city.register("welfare office", "food", "livelihood")
    begin = city.clock.now()
    first = (await city.refer(hotline, welfare)).json()["id"]
    city.clock.move(timedelta(days=2))
    second = (await city.refer(hotline, food_bank)).json()["id"]
    await city.act(second, "accept", food_bank)
    meeting = {**MEETING, "obtained_at": city.clock.now().isoformat()}
    handoff = {"to_agency_id": welfare, "reason": "needs_other_support", "basis": meeting}
    assert (await city.act(second, "handoff", food_bank, handoff)).status_code == 200
    unrelated = (await city.refer(hotline, food_bank)).json()["id"]
    end = city.clock.now() + timedelta(seconds=1)

    async def record(agency: str, since: object, until: object) -> list[dict[str, object]]:
        response = await city.referrals.get(
            "/v1/referrals/provision-records",
            params={"agency_id": agency, "since": str(since), "until": str(until)},
            headers=acting(agency),
        )
        assert response.status_code == 200, response.text
        return list(response.json()["items"])

    received = [r for r in await record(welfare, begin.isoformat(), end.isoformat())]
    assert [
        (r["referral_id"], r["leg"], r["direction"], r["from_agency_id"], r["basis"])
        for r in received
    ] == [
        (first, 1, "received", hotline, "consent"),
        (second, 2, "received", food_bank, "support_meeting"),
    ]
    assert received[1]["reference"] == MEETING["reference"]
    early = await record(welfare, begin.isoformat(), (begin + timedelta(days=1)).isoformat())
    assert [r["referral_id"] for r in early] == [first]
    made = await record(food_bank, begin.isoformat(), end.isoformat())
    assert [(r["referral_id"], r["direction"]) for r in made] == [
        (second, "received"),
        (second, "made"),
        (unrelated, "received"),
    ]
    asked_at = city.clock.now()
    to_now = await city.referrals.get(
        "/v1/referrals/provision-records",
        params={"agency_id": welfare, "since": begin.isoformat()},
        headers=acting(welfare),
    )
    assert to_now.status_code == 200, to_now.text
    assert asked_at <= datetime.fromisoformat(to_now.json()["until"]) <= city.clock.now()
    forbidden = await city.referrals.get(
        "/v1/referrals/provision-records",
        params={"agency_id": welfare, "since": begin.isoformat(), "until": end.isoformat()},
        headers=acting(hotline),
    )
    assert forbidden.status_code == 403

    types = ["tsunagu.referral.created", "tsunagu.referral.accepted", "tsunagu.referral.handed_off"]
    events = await events_of(city.bootstrap, referral_events, second, types)
    assert events[2][1]["to_agency_id"] == welfare
    assert [r["type"] for r in await city.audit_records(second, 3)] == types

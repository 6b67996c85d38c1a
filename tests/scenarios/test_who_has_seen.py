""" "Who has seen my data?": every read that shows a person's data leaves exactly one
`subject_viewed` event, audited, in the reader's provision record and the holder's access log;
the parties are not told of it, and a later party does not learn who held the person before."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

from aiokafka import TopicPartition

from tests.access import acting
from tests.integration.harness import eventually
from tests.integration.kafka_positions import read_from
from tests.scenarios.city import SUBJECT, SUBJECT_VIEWED, City, events_of


async def test_each_read_of_the_person_is_recorded_once_and_answers_who_has_seen_it(
    city: City, referral_events: dict[TopicPartition, int]
) -> None:
    hotline, shelter = await city.register("hotline"), await city.register("dv shelter")
    food_bank = await city.register("food bank")
    begin = city.clock.now()
    referral_id = (await city.refer(hotline, shelter)).json()["id"]
    assert (await city.act(referral_id, "accept", shelter)).status_code == 200
    handoff = {"to_agency_id": food_bank, "reason": "needs_other_support"}
    assert (await city.act(referral_id, "handoff", shelter, handoff)).status_code == 200

    asked = (await city.read(referral_id, food_bank)).json()
    assert asked["subject"]["display_name"] == SUBJECT["display_name"]
    assert hotline not in json.dumps(asked), "the food bank does not learn the hotline held it"
    assert [leg["shown"] for leg in asked["legs"]] == [False, True]
    readers = [food_bank, shelter, hotline]
    for reader in readers[1:]:
        assert (await city.read(referral_id, reader)).json()["subject_visible"] is True
    listed = await city.referrals.get("/v1/referrals", headers=acting(food_bank))
    assert all(item["subject"] is None for item in listed.json()["items"])

    key = referral_id.encode()
    records = await read_from(
        city.bootstrap,
        referral_events,
        until=lambda rs: sum(r.key == key and _type(r) == SUBJECT_VIEWED for r in rs) >= 3,
    )
    reads = [json.loads(r.value) for r in records if r.key == key and _type(r) == SUBJECT_VIEWED]
    assert sorted(d["actor_agency_id"] for d in reads) == sorted(readers)
    assert {d["version"] for d in reads} == {3}
    assert all(SUBJECT["display_name"].encode() not in r.value for r in records)

    audited = await city.audit_records(referral_id, 3, reads=True)
    await asyncio.sleep(1)  # a duplicate would arrive with its original
    audited = await city.audit_records(referral_id, 3, reads=True)
    assert sorted(r["actor"] for r in audited) == sorted(readers)
    assert len({r["event_id"] for r in audited}) == 3

    end = city.clock.now() + timedelta(seconds=1)
    record = await city.referrals.get(
        "/v1/referrals/provision-records",
        params={"agency_id": food_bank, "since": begin.isoformat(), "until": end.isoformat()},
        headers=acting(food_bank),
    )
    assert [(v["referral_id"], v["standing"]) for v in record.json()["views"]] == [
        (referral_id, "asked")
    ]
    log = await city.referrals.get(
        f"/v1/referrals/{referral_id}/access-log", headers=acting(shelter)
    )
    assert [(v["agency_id"], v["standing"]) for v in log.json()["items"]] == [
        (food_bank, "asked"),
        (shelter, "holder"),
        (hotline, "follower"),
    ]
    assert {v["event_id"] for v in log.json()["items"]} == {r["event_id"] for r in audited}

    # A change after the reads: once its notice is in the inboxes, notifications has passed the
    # reads too (one partition per referral), and told nobody of them.
    assert (await city.act(referral_id, "accept", food_bank)).status_code == 200
    changes = ["created", "accepted", "handed_off", "accepted"]
    types = [f"tsunagu.referral.{change}" for change in changes]
    await events_of(city.bootstrap, referral_events, referral_id, types)

    async def told_of_the_acceptance() -> bool:
        notices = await city.inbox(hotline)
        return sum(n["referral_id"] == referral_id for n in notices) == len(types)

    assert await eventually(told_of_the_acceptance, timeout=20)
    for party in readers:
        inbox = await city.inbox(party)
        assert all(n["event_type"] != SUBJECT_VIEWED for n in inbox), "parties are not told"


def _type(record: object) -> str:
    return str(dict(record.headers)["ce_type"].decode())  # type: ignore[attr-defined]

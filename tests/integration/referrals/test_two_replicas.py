"""Two replicas of the referrals service on one database racing for the same referrals."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx

from tests.integration.harness import collect, headers_of
from tests.integration.referrals.network import Network, acting, fresh_id, referral_body
from tsunagu_schemas.topics import REFERRAL_EVENTS


def _events_of(referral_id: str, records: list[Any]) -> list[Any]:
    return [r for r in records if r.key == referral_id.encode()]


async def test_racing_accepts_on_two_replicas_take_one_version_and_publish_it_once(
    network: Network, replica: httpx.AsyncClient
) -> None:
    sender, receiver = fresh_id(), fresh_id()
    await network.register(sender, receiver)
    ids = [(await network.refer(sender, receiver))["id"] for _ in range(4)]
    # The second replica learns the agencies from the same topic, in its own time.
    for referral_id in ids:
        seen = await replica.get(f"/v1/referrals/{referral_id}", headers=acting(receiver))
        assert seen.status_code == 200, seen.text

    async def accept(http: httpx.AsyncClient, referral_id: str) -> httpx.Response:
        return await http.post(
            f"/v1/referrals/{referral_id}/accept", json={}, headers=acting(receiver)
        )

    answers = await asyncio.gather(
        *(accept(http, rid) for rid in ids for http in (network.http, replica, network.http))
    )
    by_referral = [answers[i * 3 : i * 3 + 3] for i in range(len(ids))]
    for referral_id, tries in zip(ids, by_referral, strict=True):
        codes = sorted(a.status_code for a in tries)
        assert codes == [200, 409, 409], (referral_id, [a.text for a in tries])
        won = next(a for a in tries if a.status_code == 200)
        assert won.json()["version"] == 2
        for lost in (a for a in tries if a.status_code == 409):
            assert lost.headers["content-type"].startswith("application/problem+json")

    def complete(records: list[Any]) -> bool:  # distinct events: a copy does not count twice
        return all(
            len({headers_of(r)["ce_id"] for r in _events_of(rid, records)}) >= 3 for rid in ids
        )

    records = await collect(network.bootstrap, REFERRAL_EVENTS, until=complete, timeout=60)
    for referral_id in ids:
        events = _events_of(referral_id, records)
        # Two relays may both publish a change before either removes it: the copies share the
        # event id, which is how consumers drop them. Distinct events are exactly the two
        # changes and the one read of the person's data on the second replica (of version 1).
        distinct = {headers_of(r)["ce_id"]: r for r in events}
        types = sorted(headers_of(r)["ce_type"] for r in distinct.values())
        assert types == [
            "tsunagu.referral.accepted",
            "tsunagu.referral.created",
            "tsunagu.referral.subject_viewed",
        ]
        versions = sorted(json.loads(r.value)["version"] for r in distinct.values())
        assert versions == [1, 1, 2]


async def test_one_idempotency_key_sent_to_two_replicas_opens_one_referral(
    network: Network, replica: httpx.AsyncClient
) -> None:
    sender, receiver = fresh_id(), fresh_id()
    await network.register(sender, receiver)
    known = await replica.get("/v1/referrals?limit=1", headers=acting(sender))
    assert known.status_code == 200, known.text
    headers = {**acting(sender), "Idempotency-Key": "same-key-on-both-replicas"}
    body = referral_body(sender, receiver)
    answers = await asyncio.gather(
        *(
            http.post("/v1/referrals", json=body, headers=headers)
            for http in [network.http, replica] * 3
        )
    )
    assert {a.status_code for a in answers} == {201}, [a.text for a in answers]
    assert len({a.json()["id"] for a in answers}) == 1
    for http in (network.http, replica):
        listed = await http.get("/v1/referrals?limit=200", headers=acting(sender))
        assert [r["id"] for r in listed.json()["items"]] == [answers[0].json()["id"]]

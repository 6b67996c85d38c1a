"""A referral's whole journey over HTTP, and the events it leaves on Kafka."""

from __future__ import annotations

import json
from typing import Any

from aiokafka.structs import ConsumerRecord

from tests.integration.harness import collect, headers_of
from tests.integration.kafka_positions import Records, end_offsets, read_from
from tests.integration.referrals.network import DISPLAY_NAME, Network, acting, fresh_id
from tsunagu_schemas.topics import REFERRAL_EVENTS

JOURNEY = [
    "tsunagu.referral.created",
    "tsunagu.referral.accepted",
    "tsunagu.referral.handed_off",
    "tsunagu.referral.accepted",
    "tsunagu.referral.closed",
]


def _of(
    referral_id: str, records: list[ConsumerRecord[Any, Any]]
) -> list[ConsumerRecord[Any, Any]]:
    return [r for r in records if r.key == referral_id.encode()]


async def test_a_referral_is_handed_off_and_closed_and_every_step_is_published_in_order(
    network: Network,
) -> None:
    sender, first, second = fresh_id(), fresh_id(), fresh_id()
    await network.register(sender, first, second)

    created = await network.refer(sender, first)
    referral_id = created["id"]
    assert (created["status"], created["version"], created["holder_agency_id"]) == (
        "requested",
        1,
        sender,
    )
    accepted = await network.act(referral_id, "accept", first)
    assert accepted.status_code == 200, accepted.text
    assert accepted.headers["ETag"] == '"2"'
    assert accepted.json()["holder_agency_id"] == first

    handoff = {"to_agency_id": second, "reason": "needs_other_support", "keep_following": True}
    handed = await network.act(referral_id, "handoff", first, handoff, **{"If-Match": '"2"'})
    assert handed.status_code == 200, handed.text
    assert (handed.json()["status"], handed.json()["holder_agency_id"]) == ("requested", first)

    taken = await network.act(referral_id, "accept", second)
    assert taken.json()["holder_agency_id"] == second
    closed = await network.act(referral_id, "close", second, {"outcome": "resolved"})
    assert closed.status_code == 200, closed.text
    final = closed.json()
    assert (final["status"], final["version"], final["outcome"]) == ("closed", 5, "resolved")
    assert final["parties"] == [sender, first, second]
    assert final["followers"] == [sender, first]

    records = _of(
        referral_id,
        await collect(
            network.bootstrap,
            REFERRAL_EVENTS,
            until=lambda rs: len(_of(referral_id, rs)) >= 5,
            timeout=60,
        ),
    )
    assert [headers_of(r)["ce_type"] for r in records] == JOURNEY
    datas = [json.loads(r.value) for r in records]
    assert [d["version"] for d in datas] == [1, 2, 3, 4, 5]
    assert datas[2]["to_agency_id"] == second
    assert datas[-1]["parties"] == [sender, first, second]
    for record in records:
        headers = headers_of(record)
        assert headers["ce_specversion"] == "1.0"
        assert headers["ce_subject"] == referral_id
        assert headers["ce_source"] == "urn:tsunagu:referrals"
        assert headers["content-type"] == "application/json"
        assert {"ce_id", "ce_time", "ce_dataschema", "traceparent"} <= headers.keys()
        assert DISPLAY_NAME.encode() not in record.value
        assert all(DISPLAY_NAME.encode() not in v for _, v in record.headers)
        assert b"080-1111-2222" not in record.value


async def test_the_subject_is_shown_to_parties_and_the_referral_hidden_from_others(
    network: Network,
) -> None:
    sender, receiver, stranger = fresh_id(), fresh_id(), fresh_id()
    await network.register(sender, receiver)
    referral_id = (await network.refer(sender, receiver))["id"]

    seen = await network.http.get(f"/v1/referrals/{referral_id}", headers=acting(receiver))
    assert seen.status_code == 200
    assert seen.json()["subject"]["display_name"] == DISPLAY_NAME
    assert seen.headers["ETag"] == '"1"'
    assert seen.json()["allowed_actions"] == ["accept", "decline", "cancel"]

    hidden = await network.http.get(f"/v1/referrals/{referral_id}", headers=acting(stranger))
    assert hidden.status_code == 404
    assert hidden.headers["content-type"] == "application/problem+json"
    missing = await network.http.get("/v1/referrals/ref_000000000000", headers=acting(sender))
    assert missing.status_code == 404
    malformed = await network.http.get("/v1/referrals/ref_0000", headers=acting(sender))
    assert malformed.status_code == 422
    meddling = await network.act(referral_id, "accept", stranger)
    assert meddling.status_code == 404


async def test_an_agency_lists_only_the_referrals_it_is_party_to_page_by_page(
    network: Network,
) -> None:
    sender, receiver, other = fresh_id(), fresh_id(), fresh_id()
    await network.register(sender, receiver, other)
    ids = [(await network.refer(sender, receiver))["id"] for _ in range(3)]
    urgent_elsewhere = await network.refer(other, receiver, urgency="emergency")
    await network.act(ids[0], "accept", receiver)

    pages: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = await network.http.get("/v1/referrals", params=params, headers=acting(sender))
        assert page.status_code == 200, page.text
        pages += [item["id"] for item in page.json()["items"]]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break
    assert pages == list(reversed(ids))

    accepted = await network.http.get(
        "/v1/referrals", params={"status": "accepted"}, headers=acting(receiver)
    )
    assert [i["id"] for i in accepted.json()["items"]] == [ids[0]]
    emergencies = await network.http.get(
        "/v1/referrals", params={"urgency": "emergency"}, headers=acting(receiver)
    )
    assert [i["id"] for i in emergencies.json()["items"]] == [urgent_elsewhere["id"]]
    others = await network.http.get(
        "/v1/referrals", params={"agency_id": sender}, headers=acting(other)
    )
    assert others.status_code == 403


async def test_the_service_is_ready_when_kafka_and_the_store_answer(network: Network) -> None:
    ready = await network.http.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"store": "ok", "kafka": "ok"}


async def test_cancelling_a_pending_handoff_leaves_the_case_accepted_with_its_holder(
    network: Network,
) -> None:
    sender, first, second = fresh_id(), fresh_id(), fresh_id()
    await network.register(sender, first, second)
    start = await end_offsets(network.bootstrap, [REFERRAL_EVENTS])
    referral_id = (await network.refer(sender, first))["id"]
    await network.act(referral_id, "accept", first)
    handoff = {"to_agency_id": second, "reason": "needs_other_support"}
    await network.act(referral_id, "handoff", first, handoff)

    withdrawn = await network.act(referral_id, "cancel", first, {"reason": "sent_in_error"})
    assert withdrawn.status_code == 200, withdrawn.text
    view = withdrawn.json()
    assert (view["status"], view["holder_agency_id"]) == ("accepted", first)
    assert [leg["status"] for leg in view["legs"]] == ["accepted", "cancelled"]
    assert view["allowed_actions"] == ["handoff", "close"]

    def four(records: Records) -> bool:
        return len([r for r in records if r.key == referral_id.encode()]) >= 4

    records = [r for r in await read_from(network.bootstrap, start, until=four)]
    last = [r for r in records if r.key == referral_id.encode()][-1]
    assert headers_of(last)["ce_type"] == "tsunagu.referral.cancelled"
    assert json.loads(last.value)["status"] == "accepted"

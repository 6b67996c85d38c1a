"""Reading follows the legal basis, on the real store and Kafka: who is shown the person's data,
which legs each party sees, and the one recorded read per answer that shows it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.integration.referrals.network import DISPLAY_NAME, Network, acting, consent, fresh_id

NOTE = "食料支援の相談"


async def _read(network: Network, referral_id: str, agency: str) -> dict[str, Any]:
    response = await network.http.get(f"/v1/referrals/{referral_id}", headers=acting(agency))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _access_log(network: Network, referral_id: str, holder: str) -> list[dict[str, Any]]:
    response = await network.http.get(
        f"/v1/referrals/{referral_id}/access-log", headers=acting(holder)
    )
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def _without_the_person(view: dict[str, Any], reason: str) -> None:
    assert (view["subject"], view["subject_visible"], view["subject_hidden_reason"]) == (
        None,
        False,
        reason,
    )
    assert view["note"] is None
    assert DISPLAY_NAME not in str(view)
    assert NOTE not in str(view)
    assert all(leg["comment"] is None for leg in view["legs"])


async def test_an_agency_that_declined_no_longer_sees_the_person(network: Network) -> None:
    sender, decliner = fresh_id(), fresh_id()
    await network.register(sender, decliner)
    referral_id = (await network.refer(sender, decliner))["id"]
    asked = await _read(network, referral_id, decliner)
    assert asked["subject"]["display_name"] == DISPLAY_NAME
    assert asked["standing"] == "asked"

    body = {"reason": "no_capacity", "comment": "満床です"}
    answer = await network.act(referral_id, "decline", decliner, body)
    assert answer.status_code == 200, answer.text
    _without_the_person(answer.json(), "declined")
    after = await _read(network, referral_id, decliner)
    _without_the_person(after, "declined")
    assert after["legs"][0]["shown"] is True, "its own leg, without the comment"
    links = await network.http.get(f"/v1/referrals/{referral_id}/links", headers=acting(decliner))
    assert links.status_code == 403
    assert links.json()["reason"] == "declined"

    held = await _read(network, referral_id, sender)
    assert held["subject"]["display_name"] == DISPLAY_NAME
    assert held["legs"][0]["comment"] == "満床です"
    log = await _access_log(network, referral_id, sender)
    assert [(v["agency_id"], v["standing"]) for v in log] == [
        (decliner, "asked"),
        (sender, "holder"),
    ], "the reads that showed the person, and only those"


async def test_a_cancelled_leg_agency_sees_neither_the_person_nor_who_held_it_before(
    network: Network,
) -> None:
    first, holder, cancelled = fresh_id(), fresh_id(), fresh_id()
    await network.register(first, holder, cancelled)
    referral_id = (await network.refer(first, holder))["id"]
    assert (await network.act(referral_id, "accept", holder)).status_code == 200
    handoff = {"to_agency_id": cancelled, "reason": "needs_other_support"}
    assert (await network.act(referral_id, "handoff", holder, handoff)).status_code == 200

    asked = await _read(network, referral_id, cancelled)
    assert asked["subject"]["display_name"] == DISPLAY_NAME
    assert [(leg["number"], leg["shown"], leg["status"]) for leg in asked["legs"]] == [
        (1, False, "accepted"),
        (2, True, "requested"),
    ]
    assert asked["legs"][0]["from_agency_id"] is None
    assert first not in str(asked), "not who held the person before"
    assert asked["parties"] == [holder, cancelled]

    withdrawn = await network.act(referral_id, "cancel", holder, {"reason": "sent_in_error"})
    assert withdrawn.json()["status"] == "accepted"
    after = await _read(network, referral_id, cancelled)
    _without_the_person(after, "leg_cancelled")
    assert first not in str(after)
    holders_view = await _read(network, referral_id, holder)
    assert [leg["shown"] for leg in holders_view["legs"]] == [True, True]
    assert holders_view["parties"] == [first, holder, cancelled]


async def test_a_follower_is_shown_the_person_until_the_consent_expires(network: Network) -> None:
    sender, receiver = fresh_id(), fresh_id()
    await network.register(sender, receiver)
    expires = datetime.now(UTC) + timedelta(seconds=3)
    basis = {**consent(), "expires_at": expires.isoformat()}
    referral_id = (await network.refer(sender, receiver, basis=basis))["id"]
    assert (await network.act(referral_id, "accept", receiver)).status_code == 200
    following = await _read(network, referral_id, sender)
    assert (following["standing"], following["subject"]["display_name"]) == (
        "follower",
        DISPLAY_NAME,
    )

    await asyncio.sleep(max(0.0, (expires - datetime.now(UTC)).total_seconds()) + 0.2)
    expired = await _read(network, referral_id, sender)
    _without_the_person(expired, "consent_expired")
    holder = await _read(network, referral_id, receiver)
    assert holder["subject"]["display_name"] == DISPLAY_NAME, "the holder always"
    log = await _access_log(network, referral_id, receiver)
    assert [(v["agency_id"], v["standing"]) for v in log] == [
        (sender, "follower"),
        (receiver, "holder"),
    ]
    refused = await network.http.get(
        f"/v1/referrals/{referral_id}/access-log", headers=acting(sender)
    )
    assert refused.status_code == 403


async def test_lists_show_no_person_and_record_no_read(network: Network) -> None:
    sender, receiver = fresh_id(), fresh_id()
    await network.register(sender, receiver)
    referral_id = (await network.refer(sender, receiver))["id"]
    page = await network.http.get("/v1/referrals", headers=acting(receiver))
    [item] = [i for i in page.json()["items"] if i["id"] == referral_id]
    _without_the_person(item, "not_in_lists")
    assert item["standing"] == "asked"
    assert await _access_log(network, referral_id, sender) == []

"""A create retried with the same Idempotency-Key opens one referral, never two."""

from __future__ import annotations

import asyncio
import uuid

from tests.integration.referrals.network import Network, acting, fresh_id, referral_body


async def test_a_retried_create_with_the_same_key_returns_the_first_referral(
    network: Network,
) -> None:
    sender, receiver = fresh_id(), fresh_id()
    await network.register(sender, receiver)
    headers = {**acting(sender), "Idempotency-Key": uuid.uuid4().hex}
    body = referral_body(sender, receiver)

    first, again = [
        await network.http.post("/v1/referrals", json=body, headers=headers) for _ in range(2)
    ]
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["id"] == first.json()["id"]
    listed = await network.http.get("/v1/referrals?limit=200", headers=acting(sender))
    assert [r["id"] for r in listed.json()["items"]] == [first.json()["id"]]


async def test_concurrent_attempts_with_one_key_open_a_single_referral(network: Network) -> None:
    sender, receiver = fresh_id(), fresh_id()
    await network.register(sender, receiver)
    headers = {**acting(sender), "Idempotency-Key": uuid.uuid4().hex}
    body = referral_body(sender, receiver)

    answers = await asyncio.gather(
        *(network.http.post("/v1/referrals", json=body, headers=headers) for _ in range(4))
    )
    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["id"] for a in answers}) == 1
    listed = await network.http.get("/v1/referrals?limit=200", headers=acting(sender))
    assert len(listed.json()["items"]) == 1


async def test_a_key_reused_for_another_request_is_refused_naming_the_header(
    network: Network,
) -> None:
    sender, receiver = fresh_id(), fresh_id()
    await network.register(sender, receiver)
    headers = {**acting(sender), "Idempotency-Key": uuid.uuid4().hex}
    first = await network.http.post(
        "/v1/referrals", json=referral_body(sender, receiver), headers=headers
    )
    other = await network.http.post(
        "/v1/referrals", json=referral_body(sender, receiver, urgency="emergency"), headers=headers
    )
    assert first.status_code == 201
    assert other.status_code == 422
    assert other.json()["errors"][0]["field"] == "Idempotency-Key"


async def test_without_a_key_two_posts_open_two_referrals(network: Network) -> None:
    sender, receiver = fresh_id(), fresh_id()
    await network.register(sender, receiver)
    await network.refer(sender, receiver)
    await network.refer(sender, receiver)
    listed = await network.http.get("/v1/referrals?limit=200", headers=acting(sender))
    assert len(listed.json()["items"]) == 2

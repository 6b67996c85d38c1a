"""What the service refuses, and how it says so (problem+json)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from tests.integration.referrals.network import (
    Network,
    acting,
    consent,
    fresh_id,
    referral_body,
)


async def test_a_transition_not_allowed_now_is_a_conflict_naming_the_allowed_actions(
    network: Network,
) -> None:
    sender, receiver = fresh_id(), fresh_id()
    await network.register(sender, receiver)
    referral_id = (await network.refer(sender, receiver))["id"]

    refused = await network.act(referral_id, "close", sender, {"outcome": "resolved"})
    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["allowed"] == ["accept", "decline", "cancel"]

    not_theirs = await network.act(referral_id, "cancel", receiver, {"reason": "duplicate"})
    assert not_theirs.status_code == 403
    assert not_theirs.json()["may_act"] == "holder"
    assert "holder" in not_theirs.json()["detail"]


async def test_a_refusal_never_names_the_agency_that_now_holds_the_case(
    network: Network,
) -> None:
    sender, first, shelter = fresh_id(), fresh_id(), fresh_id()
    await network.register(sender, first, shelter, categories=["food", "livelihood"])
    referral_id = (await network.refer(sender, first))["id"]
    assert (await network.act(referral_id, "accept", first)).status_code == 200
    handoff = {"to_agency_id": shelter, "reason": "needs_other_support", "keep_following": False}
    assert (await network.act(referral_id, "handoff", first, handoff)).status_code == 200
    assert (await network.act(referral_id, "accept", shelter)).status_code == 200
    # the sender, still a party, tries to close what the shelter now holds
    refused = await network.act(referral_id, "close", sender, {"outcome": "resolved"})
    assert refused.status_code == 403
    assert refused.json()["may_act"] == "holder"
    assert shelter not in refused.text
    assert "agency_id" not in refused.json()


async def test_a_stale_if_match_is_a_failed_precondition_and_never_a_lost_update(
    network: Network,
) -> None:
    sender, receiver = fresh_id(), fresh_id()
    await network.register(sender, receiver)
    referral_id = (await network.refer(sender, receiver))["id"]

    accepted = await network.act(referral_id, "accept", receiver, **{"If-Match": '"1"'})
    assert accepted.status_code == 200
    stale = await network.act(
        referral_id, "close", receiver, {"outcome": "resolved"}, **{"If-Match": '"1"'}
    )
    assert stale.status_code == 412
    assert stale.json()["status"] == 412
    current = await network.http.get(f"/v1/referrals/{referral_id}", headers=acting(receiver))
    assert (current.json()["status"], current.json()["version"]) == ("accepted", 2)


async def test_two_concurrent_answers_to_one_request_cannot_both_succeed(
    network: Network,
) -> None:
    sender, receiver = fresh_id(), fresh_id()
    await network.register(sender, receiver)
    referral_id = (await network.refer(sender, receiver))["id"]

    answers = await asyncio.gather(
        network.act(referral_id, "accept", receiver),
        network.act(referral_id, "decline", receiver, {"reason": "no_capacity"}),
    )
    assert sorted(a.status_code for a in answers) == [200, 409]
    current = await network.http.get(f"/v1/referrals/{referral_id}", headers=acting(receiver))
    assert current.json()["version"] == 2


async def test_an_invalid_request_is_refused_naming_each_bad_field(network: Network) -> None:
    body = referral_body("ag_a", "ag_b", urgency="whenever")
    del body["needs"]
    body["basis"]["kind"] = "rumour"
    refused = await network.http.post("/v1/referrals", json=body, headers=acting("ag_a"))
    assert refused.status_code == 422
    fields = {e["field"] for e in refused.json()["errors"]}
    assert {"body.needs", "body.urgency", "body.basis.kind"} <= fields


async def test_a_referral_from_another_agency_than_the_acting_one_is_forbidden(
    network: Network,
) -> None:
    sender, receiver = fresh_id(), fresh_id()
    await network.register(sender, receiver)
    body = referral_body(sender, receiver)
    refused = await network.http.post("/v1/referrals", json=body, headers=acting(receiver))
    assert refused.status_code == 403
    unnamed = await network.http.post("/v1/referrals", json=body)
    assert unnamed.status_code == 401


async def test_a_target_that_does_not_take_the_needs_or_is_unknown_is_refused(
    network: Network,
) -> None:
    sender, housing = fresh_id(), fresh_id()
    await network.register(sender)
    await network.register(housing, categories=["housing"])

    for receiver, expected in ((housing, "accepts no referrals"), (fresh_id(), "not in")):
        refused = await network.http.post(
            "/v1/referrals", json=referral_body(sender, receiver), headers=acting(sender)
        )
        assert refused.status_code == 422
        assert expected in refused.json()["detail"]
        assert refused.json()["errors"][0]["field"] == "to_agency_id"


async def test_a_referral_outside_the_consent_or_after_its_expiry_is_refused(
    network: Network,
) -> None:
    sender, receiver, other = fresh_id(), fresh_id(), fresh_id()
    await network.register(sender, receiver, other)

    narrow = referral_body(sender, receiver, basis=consent(other))
    refused = await network.http.post("/v1/referrals", json=narrow, headers=acting(sender))
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "basis.scope"

    expired = consent()
    expired["expires_at"] = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    late = referral_body(sender, receiver, basis=expired)
    refused = await network.http.post("/v1/referrals", json=late, headers=acting(sender))
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "basis.expires_at"


async def test_a_handoff_beyond_the_consent_needs_a_basis_of_its_own(network: Network) -> None:
    sender, receiver, third = fresh_id(), fresh_id(), fresh_id()
    await network.register(sender, receiver, third)
    created = await network.refer(sender, receiver, basis=consent(receiver))
    await network.act(created["id"], "accept", receiver)

    handoff = {"to_agency_id": third, "reason": "needs_other_support", "keep_following": False}
    refused = await network.act(created["id"], "handoff", receiver, handoff)
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"][0]["field"] == "basis.scope"

    meeting = {
        "kind": "support_meeting",
        "obtained_at": datetime.now(UTC).isoformat(),
        "reference": "支援会議 2026-11",
    }
    handed = await network.act(created["id"], "handoff", receiver, {**handoff, "basis": meeting})
    assert handed.status_code == 200, handed.text
    assert handed.json()["legs"][1]["basis"]["kind"] == "support_meeting"

"""Network statistics over the real store: figures per agency, small counts withheld, and who
may read whose figures."""

from __future__ import annotations

from typing import Any

from tests.access import as_role
from tests.integration.referrals.network import DISPLAY_NAME, Network, acting, fresh_id


async def _stats(network: Network, headers: dict[str, str], **query: str) -> dict[str, Any]:
    response = await network.http.get("/v1/referrals/stats", params=query, headers=headers)
    assert response.status_code == 200, response.text
    assert DISPLAY_NAME not in response.text
    body: dict[str, Any] = response.json()
    return body


async def test_an_agencys_figures_count_its_legs_and_withhold_small_counts(
    network: Network,
) -> None:
    sender, receiver = fresh_id(), fresh_id()
    await network.register(sender, receiver)
    referrals = [str((await network.refer(sender, receiver))["id"]) for _ in range(6)]
    for referral_id in referrals[:5]:
        assert (await network.act(referral_id, "accept", receiver)).status_code == 200
    declined = await network.act(referrals[5], "decline", receiver, {"reason": "no_capacity"})
    assert declined.status_code == 200

    as_coordinator = await _stats(network, as_role("coordinator"), agency_id=receiver)
    own = await _stats(network, acting(receiver))  # an agency's own, without naming it
    for stats in (as_coordinator, own):
        assert stats["agency_id"] == receiver
        assert stats["min_count"] == 5
        assert stats["agencies"] == {
            receiver: {
                "sent": 0,
                "received": 6,
                "accepted": 5,
                "declined": None,  # one: withheld
                "acceptance_rate": 0.833,
                "median_seconds_to_accept": stats["agencies"][receiver]["median_seconds_to_accept"],
            }
        }
        assert stats["agencies"][receiver]["median_seconds_to_accept"] >= 0
        assert stats["by_status"]["accepted"] == 5
        assert stats["by_status"]["declined"] is None
        assert stats["unmet_needs"] == {"food": None}

    network_wide = await _stats(network, as_role("operator"))
    assert network_wide["agency_id"] is None
    assert network_wide["agencies"][sender]["sent"] == 6
    assert network_wide["agencies"][receiver]["received"] == 6


async def test_a_period_that_ends_before_it_starts_is_refused(network: Network) -> None:
    response = await network.http.get(
        "/v1/referrals/stats",
        params={"since": "2026-05-02T00:00:00Z", "until": "2026-05-01T00:00:00Z"},
        headers=as_role("coordinator"),
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert "until" in response.json()["detail"]

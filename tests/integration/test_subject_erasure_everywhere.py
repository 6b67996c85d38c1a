"""Erasure across the four services: the erase event reaches the inbox of every party, the audit
log records it once and still verifies, and no service answers with the person's data."""

from __future__ import annotations

import uuid
from typing import Any

from tests.integration.harness import eventually
from tests.integration.referrals.network import referral_body
from tests.integration.services_network import Network, module_network

network = module_network()
ERASED = "tsunagu.referral.subject_erased"


def _as(net: Network, agency_id: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {net.agency_tokens[agency_id]}"}


def _auditor(net: Network) -> dict[str, str]:
    return {"Authorization": f"Bearer {net.tokens['auditor']}"}


async def _step(net: Network, referral_id: str, action: str, agency_id: str, body: Any) -> None:
    answer = await net.clients["referrals"].post(
        f"/v1/referrals/{referral_id}/{action}", json=body, headers=_as(net, agency_id)
    )
    assert answer.status_code == 200, answer.text


async def test_the_erase_event_reaches_every_party_and_the_audit_log_still_verifies(
    network: Network,
) -> None:
    net, referrals = network, network.clients["referrals"]
    marker = uuid.uuid4().hex
    subject = {"display_name": f"name {marker}", "contact": f"tel {marker}"}
    body = referral_body(net.a, net.c, subject=subject, note=f"note {marker}")
    created = await referrals.post("/v1/referrals", json=body, headers=_as(net, net.a))
    assert created.status_code == 201, created.text
    referral_id = created.json()["id"]
    await _step(net, referral_id, "accept", net.c, {})
    await _step(net, referral_id, "handoff", net.c, {"to_agency_id": net.b, "reason": "other"})

    erased = await referrals.post(
        f"/v1/referrals/{referral_id}/subject/erase",
        json={"reason": "consent_withdrawn"},
        headers=_as(net, net.c),  # the holder until the handoff is accepted
    )
    assert erased.status_code == 200, erased.text

    async def told(agency_id: str) -> list[dict[str, Any]]:
        inbox = await net.clients["notifications"].get(
            f"/v1/agencies/{agency_id}/inbox", params={"limit": 200}, headers=_as(net, agency_id)
        )
        assert inbox.status_code == 200, inbox.text
        return [
            item
            for item in inbox.json()["items"]
            if item["referral_id"] == referral_id and item["event_type"] == ERASED
        ]

    for party in (net.a, net.b, net.c):
        notices = await eventually(lambda p=party: told(p), timeout=60)
        assert len(notices) == 1
        assert marker not in str(notices)

    audit = net.clients["audit"]

    async def recorded() -> list[dict[str, Any]]:
        page = await audit.get(
            "/v1/audit/records",
            params={"referral_id": referral_id, "limit": 100},
            headers=_auditor(net),
        )
        assert page.status_code == 200, page.text
        items: list[dict[str, Any]] = page.json()["items"]
        return items if any(r["type"] == ERASED for r in items) else []

    records = await eventually(recorded, timeout=60)
    assert [r["type"] for r in records].count(ERASED) == 1
    assert marker not in str(records)
    verified = await audit.get("/v1/audit/verify", headers=_auditor(net))
    assert verified.status_code == 200, verified.text
    assert verified.json()["ok"] is True

    shown = await referrals.get(f"/v1/referrals/{referral_id}", headers=_as(net, net.b))
    assert shown.status_code == 200
    assert marker not in shown.text
    assert shown.json()["erasure"]["reason"] == "consent_withdrawn"

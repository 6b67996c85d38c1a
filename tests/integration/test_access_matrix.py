"""Who may call what: every route of the four OpenAPI documents × every kind of caller.

The directory hosts the real built-in issuer, served over HTTP; the other services verify its
tokens through its metadata and JWK Set, on the real store and Kafka. The table below is the
expected answer for each route; a route the services serve but the table lacks fails the test.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.integration.access_table import (
    BAD_TOKENS,
    DENIED,
    EXPECTED,
    HIDDEN,
    OPEN,
    PRINCIPALS,
    PUBLIC,
    UNAUTHENTICATED,
)
from tests.integration.directory.conftest import agency_body
from tests.integration.referrals.network import referral_body
from tests.integration.services_network import Network, module_network, new_referral
from tests.tally import TALLY

network = module_network()


BODIES: dict[str, Any] = {
    "decline": {"reason": "no_capacity"},
    "close": {"outcome": "resolved"},
    "cancel": {"reason": "sent_in_error"},
    "erase": {"reason": "subject_request"},
    "correct": {"note": "corrected note"},
}


async def _request(
    net: Network, method: str, path: str, variant: str
) -> tuple[str, dict[str, Any], Any]:
    """The URL, query and body of a request to `path` made by `variant`."""
    referral: str | None = ""
    if "{referral_id}" in path:
        # The coordinator acts for the person of any referral: give it a real one too.
        real = variant.endswith("agency") or variant == "coordinator"
        referral = await new_referral(net) if real else "ref_any"
    filled = path.format(
        agency_id=net.a,
        location_id=uuid.uuid4(),
        client_id="cl_" + "x" * 24,
        notification_id="unknown",
        referral_id=referral,
        index=0,
    )
    now = datetime.now(UTC)
    query: dict[str, Any] = {}
    body: Any = None
    if path == "/v1/referrals":
        query = {"agency_id": net.a}
        body = referral_body(net.a, net.c) if method == "POST" else None
    elif path.endswith(("/provision-records", "/stats")):
        query = {"agency_id": net.a, "since": (now - timedelta(days=1)).isoformat()}
        query["until"] = now.isoformat()
    elif path.endswith("/stats/overdue"):
        query = {"agency_id": net.a}
    elif path == "/v1/agencies" and method == "POST":
        body = agency_body(f"Matrix extra {uuid.uuid4().hex[:6]}")
    elif method in ("POST", "PATCH") and not path.startswith("/oauth"):
        action = path.rsplit("/", 1)[-1]
        body = BODIES.get(action, {})
        if action == "handoff":
            body = {"to_agency_id": net.b, "reason": "needs_other_support"}
        if action == "links":
            body = {"referral_id": await new_referral(net)}
    return filled, query, body


def _token_for(net: Network, path: str, variant: str) -> str | None:
    """The variant's token; the own agency of accept and decline is the asked one (C)."""
    if variant == "own agency" and path.endswith(("/accept", "/decline")):
        return net.agency_tokens[net.c]
    return net.tokens[variant]


def _matches(want: str, response: httpx.Response, *, hides: bool) -> bool:
    challenge = response.headers.get("WWW-Authenticate", "")
    status = response.status_code
    if want == UNAUTHENTICATED:
        return status == 401 and challenge.startswith("Bearer")
    if want in (DENIED, HIDDEN):
        return status == int(want)
    if want == PUBLIC:
        return status < 500 and status != 403 and "Bearer" not in challenge
    return status < 500 and status not in (401, 403) and not (hides and status == 404)


@pytest.mark.parametrize("service", list(EXPECTED))
async def test_every_route_answers_every_caller_as_the_table_says(
    network: Network, service: str
) -> None:
    client = network.clients[service]
    document = (await client.get("/openapi.json")).json()
    served = {(m.upper(), p) for p, operations in document["paths"].items() for m in operations}
    table = EXPECTED[service]
    assert sorted(served - set(table)) == [], "routes the table does not name"
    assert sorted(set(table) - served) == [], "rows of routes no longer served"
    wrong = []
    for (method, path), expected in table.items():
        hides = HIDDEN in expected.values()
        for variant in BAD_TOKENS + PRINCIPALS:
            if variant in PRINCIPALS:
                want = expected[variant]
            else:
                want = PUBLIC if expected is OPEN else UNAUTHENTICATED
            url, query, body = await _request(network, method, path, variant)
            token = _token_for(network, path, variant)
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            response = await client.request(method, url, params=query, json=body, headers=headers)
            if not _matches(want, response, hides=hides):
                wrong.append(f"{method} {path} as {variant}: {response.status_code}, want {want}")
            TALLY["access matrix cases"] += 1
    assert wrong == []

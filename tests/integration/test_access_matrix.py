"""Who may call what: every route of the four OpenAPI documents × every kind of caller.

The directory hosts the real built-in issuer, served over HTTP; the other services verify its
tokens through its metadata and JWK Set, on the real store and Kafka. The table below is the
expected answer for each route; a route the services serve but the table lacks fails the test.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import ECKey

from services.audit.main import create_app as audit_app
from services.audit.settings import AuditSettings
from services.directory import register_first_client
from services.directory.identity.adapters.key_files import SigningKeyFiles
from services.directory.settings import DirectorySettings
from services.notifications.main import create_app as notifications_app
from services.notifications.settings import NotificationsSettings
from services.referrals.main import create_app as referrals_app
from services.referrals.settings import ReferralsSettings
from tests.access import DirectoryTokens
from tests.infra import Endpoints
from tests.integration.directory.conftest import agency_body, serving
from tests.integration.harness import ServiceEnv, eventually, running
from tests.integration.referrals.network import referral_body
from tsunagu_ops.localstack.ports import free_port

BAD_TOKENS = ("no token", "expired", "wrong audience", "wrong issuer", "bad signature", "alg none")
PRINCIPALS = ("coordinator", "auditor", "operator", "own agency", "another agency")
OK, DENIED, HIDDEN, UNAUTHENTICATED, PUBLIC = "ok", "403", "404", "401", "public"


def row(*, coordinator: str = DENIED, auditor: str = DENIED, operator: str = DENIED,
        own: str = DENIED, other: str = DENIED) -> dict[str, str]:  # fmt: skip
    """The expected answer to each principal (bad tokens always get 401 unless public)."""
    return dict(zip(PRINCIPALS, (coordinator, auditor, operator, own, other), strict=True))


EVERYONE = row(coordinator=OK, auditor=OK, operator=OK, own=OK, other=OK)
OPEN = dict.fromkeys(PRINCIPALS, PUBLIC)
AGENCY_ONLY = row(own=OK)
PARTY_ONLY = row(own=OK, other=HIDDEN)
OPERATIONS = {
    ("GET", "/healthz"): OPEN,
    ("GET", "/readyz"): OPEN,
    ("GET", "/metrics"): row(operator=OK),
}
R = "/v1/referrals/{referral_id}"
EXPECTED: dict[str, dict[tuple[str, str], dict[str, str]]] = {
    "directory": {
        **OPERATIONS,
        ("POST", "/v1/agencies"): row(coordinator=OK),
        ("GET", "/v1/agencies"): EVERYONE,
        ("GET", "/v1/agencies/{agency_id}"): EVERYONE,
        ("PATCH", "/v1/agencies/{agency_id}"): row(coordinator=OK, own=OK),
        ("DELETE", "/v1/agencies/{agency_id}"): row(coordinator=OK),
        ("DELETE", "/v1/agencies/{agency_id}/locations/{location_id}"): row(coordinator=OK, own=OK),
        ("GET", "/v1/categories"): EVERYONE,
        ("GET", "/v1/areas"): EVERYONE,
        ("GET", "/v1/directory/export"): EVERYONE,
        ("POST", "/v1/directory/import"): row(coordinator=OK),
        ("GET", "/.well-known/oauth-authorization-server"): OPEN,
        ("GET", "/.well-known/jwks.json"): OPEN,
        ("POST", "/oauth/token"): OPEN,
        ("POST", "/v1/clients"): row(coordinator=OK),
        ("GET", "/v1/clients"): row(coordinator=OK),
        ("DELETE", "/v1/clients/{client_id}"): row(coordinator=OK),
    },
    "referrals": {
        **OPERATIONS,
        ("POST", "/v1/referrals"): row(own=OK),  # another agency cannot refer from this one
        ("GET", "/v1/referrals"): row(own=OK),  # another agency cannot list this one's
        ("GET", R): PARTY_ONLY,
        **{("POST", f"{R}/{a}"): PARTY_ONLY for a in ("accept", "decline", "handoff")},
        **{("POST", f"{R}/{a}"): PARTY_ONLY for a in ("close", "cancel")},
        ("POST", f"{R}/links"): PARTY_ONLY,
        ("GET", f"{R}/links"): PARTY_ONLY,
        ("GET", "/v1/referrals/provision-records"): row(own=OK, auditor=OK),
    },
    "notifications": {
        **OPERATIONS,
        ("GET", "/v1/agencies/{agency_id}/inbox"): AGENCY_ONLY,
        ("POST", "/v1/agencies/{agency_id}/inbox/{notification_id}/read"): AGENCY_ONLY,
        ("POST", "/v1/agencies/{agency_id}/webhook-secret"): AGENCY_ONLY,
        ("POST", "/v1/agencies/{agency_id}/webhook-secret/rotate"): row(coordinator=OK, own=OK),
    },
    "audit": {
        **OPERATIONS,
        ("GET", "/v1/audit/records"): row(auditor=OK),
        ("GET", "/v1/audit/verify"): row(auditor=OK),
        ("GET", "/v1/audit/export"): row(auditor=OK),
        ("GET", "/v1/audit/checkpoint"): row(auditor=OK),
        ("GET", "/v1/audit/verifier-key"): row(auditor=OK),
        ("GET", "/v1/audit/leaves/{index}"): row(auditor=OK),
        ("GET", "/v1/audit/proofs/inclusion"): row(auditor=OK),
        ("GET", "/v1/audit/proofs/consistency"): row(auditor=OK),
        ("POST", "/v1/audit/checkpoint/cosignatures"): row(auditor=OK),
    },
}


@dataclass
class Network:
    """The running services, the agencies A (own), B (another) and C, and every token."""

    clients: dict[str, httpx.AsyncClient]
    a: str
    b: str
    c: str
    tokens: dict[str, str | None]
    agency_tokens: dict[str, str]


def _forged(key_dir: Path, claims: dict[str, Any], *, alg: str = "ES256") -> str:
    (key,) = SigningKeyFiles(key_dir).load()
    private = ECKey.import_key(key.private_jwk)
    header = {"alg": alg, "kid": key.kid, "typ": "at+jwt"}
    return jwt.encode(header, claims, private, algorithms=[alg])


def _unsigned(claims: dict[str, Any]) -> str:
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    return f"{part({'alg': 'none', 'typ': 'at+jwt'})}.{part(claims)}."


def _bad_tokens(issuer: str, keys: Path, valid: str, agency: str) -> dict[str, str | None]:
    now = int(time.time())
    base = {
        "iss": issuer, "aud": "tsunagu", "sub": "cl_forged", "client_id": "cl_forged",
        "jti": uuid.uuid4().hex, "iat": now, "nbf": now, "exp": now + 300,
        "tsunagu_role": "agency", "tsunagu_agency_id": agency,
    }  # fmt: skip
    head, payload, signature = valid.split(".")
    flipped = signature[:10] + ("A" if signature[10] != "A" else "B") + signature[11:]
    return {
        "no token": None,
        "expired": _forged(keys, {**base, "iat": now - 4000, "nbf": now - 4000, "exp": now - 3600}),
        "wrong audience": _forged(keys, {**base, "aud": "another-service"}),
        "wrong issuer": _forged(keys, {**base, "iss": "http://127.0.0.1:1/elsewhere"}),
        "bad signature": f"{head}.{payload}.{flipped}",
        "alg none": _unsigned(base),
    }


@pytest.fixture(scope="module")
async def network(
    endpoints: Endpoints, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Network]:
    """The four services on the real store and Kafka; the directory's issuer on a real port."""
    env = ServiceEnv(endpoints.kafka_bootstrap_servers, endpoints.mongo_url, uuid.uuid4().hex[:8])
    keys = tmp_path_factory.mktemp("matrix") / "keys"
    port = free_port()
    kwargs = env.settings_kwargs("directory") | {"issuer_enabled": True, "port": port}
    directory = DirectorySettings(**kwargs, issuer_keys_dir=keys)
    first = await register_first_client(mongo_url=env.mongo_url, database=directory.database)
    assert first.client_secret is not None
    async with serving(directory, port=port) as url:

        def trusting(service: str) -> dict[str, Any]:
            return env.settings_kwargs(service) | {"auth_issuer": url}

        async with (
            httpx.AsyncClient(base_url=url, timeout=30) as directory_http,
            running(referrals_app(ReferralsSettings(**trusting("referrals")))) as referrals,
            running(
                notifications_app(NotificationsSettings(**trusting("notifications")))
            ) as notifications,
            running(audit_app(AuditSettings(**trusting("audit")))) as audit,
        ):
            tokens = DirectoryTokens(url, (first.client.client_id, first.client_secret))
            coordinator = await tokens.token(("coordinator", None))
            ids = []
            for name in ("A", "B", "C"):
                body = agency_body(f"Matrix {name} {env.run_id}", areas=("citywide",))
                created = await directory_http.post(
                    "/v1/agencies", json=body, headers={"Authorization": f"Bearer {coordinator}"}
                )
                assert created.status_code == 201, created.text
                ids.append(created.json()["id"])
            a, b, c = ids
            own = {agency: await tokens.token(("agency", agency)) for agency in ids}
            principals: dict[str, str | None] = {
                "coordinator": coordinator,
                "auditor": await tokens.token(("auditor", None)),
                "operator": await tokens.token(("operator", None)),
                "own agency": own[a],
                "another agency": own[b],
            }
            principals |= _bad_tokens(url, keys, own[a], a)
            clients = {
                "directory": directory_http,
                "referrals": referrals,
                "notifications": notifications,
                "audit": audit,
            }
            net = Network(clients, a, b, c, principals, own)
            await eventually(lambda: _referral(net), timeout=60, interval=0.5)
            yield net


async def _referral(net: Network) -> str | None:
    """A new referral from A to C; None while the referrals service does not know them yet."""
    response = await net.clients["referrals"].post(
        "/v1/referrals",
        json=referral_body(net.a, net.c),
        headers={"Authorization": f"Bearer {net.agency_tokens[net.a]}"},
    )
    if response.status_code == 422:
        return None
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


BODIES: dict[str, Any] = {
    "decline": {"reason": "no_capacity"},
    "close": {"outcome": "resolved"},
    "cancel": {"reason": "sent_in_error"},
}


async def _request(
    net: Network, method: str, path: str, variant: str
) -> tuple[str, dict[str, Any], Any]:
    """The URL, query and body of a request to `path` made by `variant`."""
    referral = ""
    if "{referral_id}" in path:
        referral = await _referral(net) if variant.endswith("agency") else "ref_any"
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
    elif path.endswith("/provision-records"):
        query = {"agency_id": net.a, "since": (now - timedelta(days=1)).isoformat()}
        query["until"] = now.isoformat()
    elif path == "/v1/agencies" and method == "POST":
        body = agency_body(f"Matrix extra {uuid.uuid4().hex[:6]}")
    elif method in ("POST", "PATCH") and not path.startswith("/oauth"):
        action = path.rsplit("/", 1)[-1]
        body = BODIES.get(action, {})
        if action == "handoff":
            body = {"to_agency_id": net.b, "reason": "needs_other_support"}
        if action == "links":
            body = {"referral_id": await _referral(net)}
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


CASES: dict[str, int] = {}


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
            CASES[service] = CASES.get(service, 0) + 1
    assert wrong == []

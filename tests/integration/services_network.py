"""The four services on the real store and Kafka, the directory's issuer on a real port, three
agencies and a token for every kind of caller: what the access matrix and the fuzzing share."""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
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


@asynccontextmanager
async def four_services(endpoints: Endpoints, keys: Path) -> AsyncIterator[Network]:
    """The four services on the real store and Kafka; the directory's issuer on a real port."""
    env = ServiceEnv(endpoints.kafka_bootstrap_servers, endpoints.mongo_url, uuid.uuid4().hex[:8])
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
            await eventually(lambda: new_referral(net), timeout=60, interval=0.5)
            yield net


async def new_referral(net: Network) -> str | None:
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


def module_network() -> Any:
    """A module-scoped `network` fixture: `four_services` started once for the test module."""

    @pytest.fixture(scope="module")
    async def network(
        endpoints: Endpoints, tmp_path_factory: pytest.TempPathFactory
    ) -> AsyncIterator[Network]:
        async with four_services(endpoints, tmp_path_factory.mktemp("network") / "keys") as net:
            yield net

    return network

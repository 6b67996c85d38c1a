"""Clients and used client assertions in the real store."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import ECKey
from pymongo import AsyncMongoClient

from services.directory.identity.adapters.key_files import SigningKeyFiles
from services.directory.identity.adapters.mongo import MongoClientRepository, MongoUsedAssertions
from services.directory.identity.credentials import Credentials
from services.directory.identity.domain import InvalidClient, TokenPolicy
from services.directory.identity.issuing import AssertionPresented, SecretPresented, TokenIssuer
from services.directory.identity.keys import SigningKeys
from tests.integration.harness import ServiceEnv
from tsunagu.auth import Role
from tsunagu.store import make_client

ISSUER = "http://issuer.test"
TOKEN_URL = ISSUER + "/oauth/token"


@dataclass
class Stores:
    """The two repositories over one test database."""

    clients: MongoClientRepository
    used: MongoUsedAssertions
    credentials: Credentials


@pytest.fixture
async def stores(service_env: ServiceEnv) -> AsyncIterator[Stores]:
    """Repositories in a database of this test's own, dropped afterwards."""
    client: AsyncMongoClient[dict[str, Any]] = make_client(service_env.mongo_url)
    database = client[f"test_identity_{service_env.run_id}"]
    clients = MongoClientRepository(database["clients"])
    await clients.ensure_indexes()
    try:
        yield Stores(
            clients,
            MongoUsedAssertions(database["client_assertions"]),
            Credentials(clients=clients),
        )
    finally:
        await asyncio.wait_for(client.drop_database(database.name), 10)
        await client.close()


async def test_a_client_reads_back_as_it_was_registered(stores: Stores) -> None:
    key = ECKey.generate_key("P-256", private=True)
    public = dict(key.as_dict(private=False))
    created = await stores.credentials.create(
        role=Role.AGENCY, agency_id="ag-kita", scopes=frozenset({"inbox"}), public_jwk=public
    )
    loaded = await stores.clients.get(created.client.client_id)
    assert loaded == created.client
    assert loaded is not None
    assert loaded.public_jwk == public
    assert await stores.clients.get("cl_nobody_at_all_here") is None


async def test_revoking_keeps_the_client_and_its_first_revocation_time(stores: Stores) -> None:
    created = await stores.credentials.create(role=Role.AUDITOR, agency_id=None)
    first = datetime(2026, 5, 1, tzinfo=UTC)
    assert await stores.clients.revoke(created.client.client_id, at=first)
    assert await stores.clients.revoke(created.client.client_id, at=first + timedelta(days=1))
    assert not await stores.clients.revoke("cl_nobody_at_all_here", at=first)
    loaded = await stores.clients.get(created.client.client_id)
    assert loaded == replace(created.client, revoked_at=first)
    assert loaded is not None
    assert not loaded.active


async def test_revoking_an_agency_revokes_only_its_active_clients(stores: Stores) -> None:
    kita = [
        await stores.credentials.create(role=Role.AGENCY, agency_id="ag-kita") for _ in range(2)
    ]
    minami = await stores.credentials.create(role=Role.AGENCY, agency_id="ag-minami")
    assert await stores.credentials.revoke_agency("ag-kita") == 2
    assert await stores.credentials.revoke_agency("ag-kita") == 0
    listed = await stores.credentials.list(agency_id="ag-kita")
    assert sorted(c.client_id for c in listed) == sorted(c.client.client_id for c in kita)
    assert all(not c.active for c in listed)
    other = await stores.clients.get(minami.client.client_id)
    assert other is not None
    assert other.active
    assert len(await stores.credentials.list()) == 3


async def test_an_assertion_id_is_accepted_once_even_when_sent_concurrently(
    stores: Stores,
) -> None:
    expires = datetime.now(UTC) + timedelta(minutes=1)
    results = await asyncio.gather(
        *(stores.used.first_use("cl_a", "jti-1", expires_at=expires) for _ in range(5))
    )
    assert sorted(results) == [False, False, False, False, True]
    assert await stores.used.first_use("cl_b", "jti-1", expires_at=expires)


async def test_the_token_use_case_authenticates_against_the_store(
    stores: Stores, tmp_path: Path
) -> None:
    keys = SigningKeys(store=SigningKeyFiles(tmp_path / "keys"), token_lifetime_seconds=300)
    keys.load()
    issuer = TokenIssuer(
        clients=stores.clients,
        used_assertions=stores.used,
        keys=keys,
        policy=TokenPolicy(issuer=ISSUER, audience="tsunagu"),
        token_endpoint=TOKEN_URL,
    )
    secret_client = await stores.credentials.create(role=Role.OPERATOR, agency_id=None)
    assert secret_client.client_secret is not None
    proof = SecretPresented(secret_client.client.client_id, secret_client.client_secret)
    assert (await issuer.issue(proof, scope=None)).expires_in == 300
    with pytest.raises(InvalidClient):
        await issuer.issue(SecretPresented(proof.client_id, "wrong"), scope=None)

    key = ECKey.generate_key("P-256", private=True)
    key_client = await stores.credentials.create(
        role=Role.COORDINATOR, agency_id=None, public_jwk=dict(key.as_dict(private=False))
    )
    client_id = key_client.client.client_id
    now = int(datetime.now(UTC).timestamp())
    claims = {"iss": client_id, "sub": client_id, "aud": TOKEN_URL, "exp": now + 60, "jti": "j1"}
    assertion = AssertionPresented(jwt.encode({"alg": "ES256"}, claims, key, algorithms=["ES256"]))
    await issuer.issue(assertion, scope=None)
    with pytest.raises(InvalidClient, match="already used"):
        await issuer.issue(assertion, scope=None)

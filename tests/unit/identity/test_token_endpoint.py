"""The token endpoint: each client authentication method, and each way a request is refused."""

from __future__ import annotations

import asyncio
import base64
import time
from typing import Any
from urllib.parse import quote_plus

import httpx
from joserfc import jwt
from joserfc.jwk import ECKey

from services.directory.identity.credentials import NewCredential
from services.directory.identity.domain import ASSERTION_TYPE
from tsunagu.auth import Role

from .issuer import ISSUER, TOKEN_URL, Issuer

GRANT = {"grant_type": "client_credentials"}


def _basic(client_id: str, secret: str) -> dict[str, str]:
    pair = f"{quote_plus(client_id)}:{quote_plus(secret)}".encode()
    return {"Authorization": "Basic " + base64.b64encode(pair).decode()}


def _assertion(key: ECKey, client_id: str, issuer: Issuer, **changes: Any) -> str:
    now = int(issuer.clock.seconds())
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": TOKEN_URL,
        "iat": now,
        "exp": now + 60,
        "jti": f"jti-{now}-{sorted(changes)}",
        **changes,
    }
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode({"alg": "ES256"}, claims, key, algorithms=["ES256"])


def _with_assertion(assertion: str) -> dict[str, str]:
    return {**GRANT, "client_assertion_type": ASSERTION_TYPE, "client_assertion": assertion}


def _refused(response: httpx.Response, status: int, error: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["error"] == error
    assert response.headers["Cache-Control"] == "no-store"


async def _key_client(issuer: Issuer) -> tuple[ECKey, NewCredential]:
    key = ECKey.generate_key("P-256", private=True)
    credential = await issuer.credentials.create(
        role=Role.COORDINATOR, agency_id=None, public_jwk=dict(key.as_dict(private=False))
    )
    return key, credential


async def test_client_secret_basic_gets_a_token(
    issuer: Issuer, agency_client: NewCredential
) -> None:
    assert agency_client.client_secret is not None
    headers = _basic(agency_client.client.client_id, agency_client.client_secret)
    response = await issuer.http.post(TOKEN_URL, data=GRANT, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 300
    assert body["scope"] == "inbox referrals"
    assert response.headers["Cache-Control"] == "no-store"
    principal = await issuer.verifier().verify(body["access_token"])
    assert principal.agency_id == "ag-kita"


async def test_client_secret_post_gets_a_token_with_the_scope_asked_for(
    issuer: Issuer, agency_client: NewCredential
) -> None:
    assert agency_client.client_secret is not None
    form = {
        **GRANT,
        "client_id": agency_client.client.client_id,
        "client_secret": agency_client.client_secret,
        "scope": "inbox",
    }
    response = await issuer.http.post(TOKEN_URL, data=form)
    assert response.status_code == 200, response.text
    principal = await issuer.verifier().verify(response.json()["access_token"])
    assert principal.scopes == {"inbox"}
    response = await issuer.http.post(TOKEN_URL, data={**form, "scope": "inbox audit"})
    _refused(response, 400, "invalid_scope")


async def test_private_key_jwt_gets_a_token_once_per_assertion(issuer: Issuer) -> None:
    key, credential = await _key_client(issuer)
    assert credential.client_secret is None
    form = _with_assertion(_assertion(key, credential.client.client_id, issuer))
    response = await issuer.http.post(TOKEN_URL, data=form)
    assert response.status_code == 200, response.text
    principal = await issuer.verifier().verify(response.json()["access_token"])
    assert principal.role is Role.COORDINATOR
    assert principal.agency_id is None
    _refused(await issuer.http.post(TOKEN_URL, data=form), 401, "invalid_client")


async def test_an_assertion_replayed_within_the_leeway_after_its_expiry_is_still_refused(
    issuer: Issuer,
) -> None:
    key, credential = await _key_client(issuer)
    form = _with_assertion(_assertion(key, credential.client.client_id, issuer))
    assert (await issuer.http.post(TOKEN_URL, data=form)).status_code == 200
    issuer.clock.advance(60 + 20)  # past its exp, within the leeway; the used ids are purged
    _refused(await issuer.http.post(TOKEN_URL, data=form), 401, "invalid_client")


async def test_an_assertion_may_name_the_issuer_as_its_audience(issuer: Issuer) -> None:
    key, credential = await _key_client(issuer)
    assertion = _assertion(key, credential.client.client_id, issuer, aud=ISSUER)
    form = {**_with_assertion(assertion), "client_id": credential.client.client_id}
    response = await issuer.http.post(TOKEN_URL, data=form)
    assert response.status_code == 200, response.text


async def test_assertions_with_wrong_claims_or_key_are_refused(issuer: Issuer) -> None:
    key, credential = await _key_client(issuer)
    client_id = credential.client.client_id
    now = int(issuer.clock.seconds())
    wrong = [
        _assertion(key, client_id, issuer, aud="http://elsewhere.test/token"),
        _assertion(key, client_id, issuer, iss="cl_someone_else_entirely"),
        _assertion(key, client_id, issuer, exp=now - 60),
        _assertion(key, client_id, issuer, exp=now + 3600),
        _assertion(key, client_id, issuer, jti=None),
        _assertion(ECKey.generate_key("P-256", private=True), client_id, issuer),
    ]
    for assertion in wrong:
        response = await issuer.http.post(TOKEN_URL, data=_with_assertion(assertion))
        _refused(response, 401, "invalid_client")


async def test_a_secret_client_cannot_use_an_assertion(
    issuer: Issuer, agency_client: NewCredential
) -> None:
    key = ECKey.generate_key("P-256", private=True)
    assertion = _assertion(key, agency_client.client.client_id, issuer)
    response = await issuer.http.post(TOKEN_URL, data=_with_assertion(assertion))
    _refused(response, 401, "invalid_client")


async def test_a_wrong_secret_or_unknown_client_is_refused(
    issuer: Issuer, agency_client: NewCredential
) -> None:
    client_id = agency_client.client.client_id
    for headers in (_basic(client_id, "not-the-secret"), _basic("cl_nobody_at_all_here", "x")):
        response = await issuer.http.post(TOKEN_URL, data=GRANT, headers=headers)
        _refused(response, 401, "invalid_client")
        assert response.headers["WWW-Authenticate"].startswith("Basic")


async def test_a_revoked_client_gets_no_token(issuer: Issuer, agency_client: NewCredential) -> None:
    assert agency_client.client_secret is not None
    headers = _basic(agency_client.client.client_id, agency_client.client_secret)
    assert (await issuer.http.post(TOKEN_URL, data=GRANT, headers=headers)).status_code == 200
    await issuer.credentials.revoke(agency_client.client.client_id)
    _refused(await issuer.http.post(TOKEN_URL, data=GRANT, headers=headers), 401, "invalid_client")


async def test_deactivating_an_agency_revokes_its_clients(
    issuer: Issuer, agency_client: NewCredential
) -> None:
    assert agency_client.client_secret is not None
    other = await issuer.credentials.create(role=Role.AGENCY, agency_id="ag-minami")
    assert await issuer.credentials.revoke_agency("ag-kita") == 1
    assert await issuer.credentials.revoke_agency("ag-kita") == 0
    headers = _basic(agency_client.client.client_id, agency_client.client_secret)
    _refused(await issuer.http.post(TOKEN_URL, data=GRANT, headers=headers), 401, "invalid_client")
    assert other.client_secret is not None
    assert await issuer.token(other.client.client_id, other.client_secret)


async def test_malformed_requests_are_refused_with_the_rfc_6749_codes(
    issuer: Issuer, agency_client: NewCredential
) -> None:
    assert agency_client.client_secret is not None
    client_id, secret = agency_client.client.client_id, agency_client.client_secret
    basic = _basic(client_id, secret)
    post = {"client_id": client_id, "client_secret": secret}
    cases: list[tuple[dict[str, Any], int, str]] = [
        ({"data": {"grant_type": "password", **post}}, 400, "unsupported_grant_type"),
        ({"data": post}, 400, "invalid_request"),
        ({"data": {**GRANT, **post}, "headers": basic}, 400, "invalid_request"),
        (
            {"content": "grant_type=client_credentials&grant_type=x", "headers": basic},
            400,
            "invalid_request",
        ),
        ({"json": {**GRANT, **post}}, 400, "invalid_request"),
        ({"data": GRANT}, 401, "invalid_client"),
        ({"data": {**GRANT, "client_secret": secret}}, 400, "invalid_request"),
        ({"data": {**GRANT, "client_assertion": "a.b.c"}}, 400, "invalid_request"),
        ({"data": GRANT, "headers": {"Authorization": "Basic %%%"}}, 401, "invalid_client"),
    ]
    for request, status, error in cases:
        if "content" in request:
            request["headers"] = {
                **request["headers"],
                "Content-Type": "application/x-www-form-urlencoded",
            }
        _refused(await issuer.http.post(TOKEN_URL, **request), status, error)


async def test_the_metadata_names_the_endpoints_and_methods(issuer: Issuer) -> None:
    metadata = (await issuer.http.get(ISSUER + "/.well-known/oauth-authorization-server")).json()
    assert metadata["issuer"] == ISSUER
    assert metadata["token_endpoint"] == TOKEN_URL
    assert metadata["jwks_uri"] == ISSUER + "/.well-known/jwks.json"
    assert set(metadata["token_endpoint_auth_methods_supported"]) == {
        "client_secret_basic",
        "client_secret_post",
        "private_key_jwt",
    }
    jwks = (await issuer.http.get(metadata["jwks_uri"])).json()
    assert [key["kid"] for key in jwks["keys"]] == [issuer.keys.current().kid]
    assert all("d" not in key for key in jwks["keys"])


async def test_a_flood_of_wrong_secrets_leaves_other_requests_answered_within_a_second(
    issuer: Issuer, agency_client: NewCredential
) -> None:
    form = {"grant_type": "client_credentials", "client_id": agency_client.client.client_id}
    wrong = {**form, "client_secret": "not-the-secret"}

    async def bad() -> int:
        return (await issuer.http.post(TOKEN_URL, data=wrong)).status_code

    async def good(due: float) -> float:
        """A request meant to go out at `due`: how long after that it was answered."""
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        response = await issuer.http.get(ISSUER + "/.well-known/jwks.json")
        assert response.status_code == 200
        return time.perf_counter() - due

    began = time.perf_counter()
    flood = [asyncio.create_task(bad()) for _ in range(200)]
    waits = sorted(await asyncio.gather(*(good(began + 0.05 * n) for n in range(1, 41))))
    codes = await asyncio.gather(*flood)
    assert set(codes) == {401}
    assert waits[int(len(waits) * 0.99) - 1] < 1.0, f"slowest answers {waits[-3:]}"

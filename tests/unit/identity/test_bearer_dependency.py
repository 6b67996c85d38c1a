"""The FastAPI edge: 401 with an RFC 6750 challenge, 403 for the wrong role or agency."""

from __future__ import annotations

import base64

import httpx
from fastapi import Depends, FastAPI

from services.directory.identity.credentials import NewCredential
from tsunagu.auth import Principal, Role
from tsunagu.auth.discovery import IssuerKeys
from tsunagu.auth.verifier import TokenVerifier
from tsunagu.web.bearer import (
    CallerPrincipal,
    install_verifier,
    require_agency,
    with_role,
)
from tsunagu.web.problems import MEDIA_TYPE, install_problem_handlers

from .issuer import Issuer


def _service(issuer: Issuer, verifier: TokenVerifier | None = None) -> httpx.AsyncClient:
    app = FastAPI()
    install_problem_handlers(app)
    install_verifier(app, verifier or issuer.verifier())

    @app.get("/v1/agencies/{agency_id}/inbox")
    async def inbox(agency_id: str, caller: CallerPrincipal) -> dict[str, str]:
        require_agency(caller, agency_id)
        return {"client_id": caller.client_id}

    @app.get("/v1/audit/records")
    async def records(caller: Principal = Depends(with_role(Role.AUDITOR))) -> dict[str, str]:
        return {"role": caller.role.value}

    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://svc.test")


async def _bearer(issuer: Issuer, credential: NewCredential) -> dict[str, str]:
    assert credential.client_secret is not None
    token = await issuer.token(credential.client.client_id, credential.client_secret)
    return {"Authorization": f"Bearer {token}"}


async def test_a_request_without_a_token_gets_a_bearer_challenge(issuer: Issuer) -> None:
    async with _service(issuer) as service:
        for headers in ({}, {"X-Tsunagu-Agency": "ag-kita"}, {"Authorization": "Basic eDp5"}):
            response = await service.get("/v1/agencies/ag-kita/inbox", headers=headers)
            assert response.status_code == 401
            assert response.headers["Content-Type"] == MEDIA_TYPE
            assert response.headers["WWW-Authenticate"] == 'Bearer realm="tsunagu"'
            assert response.json()["status"] == 401


async def test_an_invalid_token_gets_invalid_token(issuer: Issuer) -> None:
    async with _service(issuer) as service:
        headers = {"Authorization": "Bearer not.a.token"}
        response = await service.get("/v1/agencies/ag-kita/inbox", headers=headers)
    assert response.status_code == 401
    assert response.headers["Content-Type"] == MEDIA_TYPE
    challenge = response.headers["WWW-Authenticate"]
    assert challenge.startswith('Bearer realm="tsunagu", error="invalid_token"')
    assert response.json()["type"].endswith("/invalid-token")


async def test_the_challenge_never_carries_what_the_token_smuggled_in(issuer: Issuer) -> None:
    header = base64.urlsafe_b64encode(b'{"alg": "x\\r\\nSet-Cookie: a=\\"b"}').decode()
    headers = {"Authorization": f"Bearer {header.rstrip('=')}.e30.c2ln"}
    async with _service(issuer) as service:
        response = await service.get("/v1/agencies/ag-kita/inbox", headers=headers)
    assert response.status_code == 401
    assert "set-cookie" not in response.headers
    challenge = response.headers["WWW-Authenticate"]
    assert "\r" not in challenge
    assert challenge.count('"') == 6  # realm, error and error_description only


async def test_an_agency_reaches_its_own_inbox_and_no_other(
    issuer: Issuer, agency_client: NewCredential
) -> None:
    headers = await _bearer(issuer, agency_client)
    async with _service(issuer) as service:
        own = await service.get("/v1/agencies/ag-kita/inbox", headers=headers)
        other = await service.get("/v1/agencies/ag-minami/inbox", headers=headers)
        audit = await service.get("/v1/audit/records", headers=headers)
    assert own.status_code == 200
    assert own.json() == {"client_id": agency_client.client.client_id}
    assert other.status_code == 403
    assert other.headers["Content-Type"] == MEDIA_TYPE
    assert audit.status_code == 403


async def test_a_role_check_lets_the_role_through(issuer: Issuer) -> None:
    auditor = await issuer.credentials.create(role=Role.AUDITOR, agency_id=None)
    headers = await _bearer(issuer, auditor)
    async with _service(issuer) as service:
        assert (await service.get("/v1/audit/records", headers=headers)).json() == {
            "role": "auditor"
        }
        inbox = await service.get("/v1/agencies/ag-kita/inbox", headers=headers)
        assert inbox.status_code == 403


async def test_an_unreachable_issuer_answers_503(
    issuer: Issuer, agency_client: NewCredential
) -> None:
    headers = await _bearer(issuer, agency_client)
    async with httpx.AsyncClient(timeout=2) as http:
        keys = IssuerKeys("http://127.0.0.1:9", http=http)  # nothing listens on discard
        async with _service(issuer, TokenVerifier(keys=keys, audience="tsunagu")) as service:
            response = await service.get("/v1/agencies/ag-kita/inbox", headers=headers)
    assert response.status_code == 503
    assert response.json()["type"].endswith("/issuer-unavailable")

"""The directory hosting the built-in issuer, and `tsunagu credentials` / `tsunagu token`."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from joserfc import jwt
from joserfc.jwk import ECKey

from services.directory import register_first_client
from services.directory.settings import DirectorySettings
from tests.integration.directory.conftest import agency_body, serving
from tests.integration.directory.test_directory_cli import tsunagu
from tests.integration.harness import ServiceEnv
from tsunagu_ops.access import ClientCredential
from tsunagu_ops.localstack.ports import free_port

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def _settings(service_env: ServiceEnv, tmp_path: Path, port: int) -> DirectorySettings:
    kwargs = service_env.settings_kwargs("directory_issuer")
    kwargs |= {"auth_issuer": None, "issuer_enabled": True, "port": port}
    return DirectorySettings(**kwargs, issuer_keys_dir=tmp_path / "keys")


async def _token(url: str, client_id: str, secret: str) -> httpx.Response:
    async with httpx.AsyncClient() as http:
        return await http.post(
            f"{url}/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(client_id, secret),
        )


async def test_a_coordinator_registers_an_agency_client_whose_token_acts_only_for_it(
    service_env: ServiceEnv, tmp_path: Path
) -> None:
    port = free_port()
    settings = _settings(service_env, tmp_path, port)
    first = await register_first_client(mongo_url=settings.mongo_url, database=settings.database)
    assert first.client_secret is not None
    async with serving(settings, port=port) as url:
        file = tmp_path / "coordinator.json"
        ClientCredential(first.client.client_id, first.client_secret, f"{url}/oauth/token").save(
            file
        )
        assert file.stat().st_mode & 0o077 == 0
        acting = ("--credential", str(file), "--url", url)
        coordinator = (await _token(url, first.client.client_id, first.client_secret)).json()
        as_coordinator = {"Authorization": f"Bearer {coordinator['access_token']}"}
        async with httpx.AsyncClient(base_url=url, headers=as_coordinator) as http:
            agency = (await http.post("/v1/agencies", json=agency_body())).json()

        created = await tsunagu(
            "credentials", "create", "--role", "agency", "--agency", agency["id"], *acting
        )
        assert created.exit_code == 0, created.output
        credential = json.loads(created.stdout)
        assert set(credential) == {"client_id", "client_secret", "token_url", "role", "agency_id"}
        assert (credential["role"], credential["agency_id"]) == ("agency", agency["id"])
        assert credential["token_url"] == f"{url}/oauth/token"
        printed = await tsunagu(
            "token",
            "--client-id",
            credential["client_id"],
            "--client-secret",
            credential["client_secret"],
            "--token-url",
            credential["token_url"],
        )
        assert printed.exit_code == 0, printed.output
        bearer = {"Authorization": f"Bearer {printed.stdout.strip()}"}
        async with httpx.AsyncClient(base_url=url, headers=bearer) as http:
            path = f"/v1/agencies/{agency['id']}"
            mine = await http.patch(path, json={"name": "Mine"}, headers={"If-Match": '"1"'})
            assert mine.status_code == 200, mine.text
            assert (await http.delete(path, headers={"If-Match": '"2"'})).status_code == 403
            assert (await http.post("/v1/agencies", json=agency_body())).status_code == 403
            assert (await http.get("/v1/clients")).status_code == 403
        async with httpx.AsyncClient(base_url=url) as http:
            named = {"X-Tsunagu-Agency": agency["id"]}
            assert (
                await http.get(f"/v1/agencies/{agency['id']}", headers=named)
            ).status_code == 401

        async with httpx.AsyncClient(base_url=url, headers=as_coordinator) as http:
            gone = await http.delete(f"/v1/agencies/{agency['id']}", headers={"If-Match": '"2"'})
            assert gone.status_code == 200
        refused = await _token(url, credential["client_id"], credential["client_secret"])
        assert refused.status_code == 401
        assert refused.json()["error"] == "invalid_client"
        listed = await tsunagu("credentials", "list", "--agency", agency["id"], *acting)
        assert listed.exit_code == 0, listed.output
        (shown,) = [json.loads(line) for line in listed.stdout.splitlines()]
        assert shown["client_id"] == credential["client_id"]
        assert shown["revoked_at"] is not None
        assert "client_secret" not in shown


async def test_a_client_registered_with_a_key_gets_tokens_by_signed_assertion_until_revoked(
    service_env: ServiceEnv, tmp_path: Path
) -> None:
    port = free_port()
    settings = _settings(service_env, tmp_path, port)
    first = await register_first_client(mongo_url=settings.mongo_url, database=settings.database)
    assert first.client_secret is not None
    private = ec.generate_private_key(ec.SECP256R1())
    pem = tmp_path / "auditor.pem"
    pem.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    async with serving(settings, port=port) as url:
        file = tmp_path / "coordinator.json"
        ClientCredential(first.client.client_id, first.client_secret, f"{url}/oauth/token").save(
            file
        )
        acting = ("--credential", str(file), "--url", url)
        created = await tsunagu(
            "credentials", "create", "--role", "auditor", "--private-key", str(pem), *acting
        )
        assert created.exit_code == 0, created.output
        credential = json.loads(created.stdout)
        assert credential["client_secret"] is None

        async def assertion_token() -> httpx.Response:
            claims = {
                "iss": credential["client_id"],
                "sub": credential["client_id"],
                "aud": credential["token_url"],
                "jti": uuid.uuid4().hex,
                "exp": int(time.time()) + 60,
            }
            key = ECKey.import_key(pem.read_bytes())
            signed = jwt.encode({"alg": "ES256"}, claims, key, algorithms=["ES256"])
            form = {
                "grant_type": "client_credentials",
                "client_assertion_type": ASSERTION_TYPE,
                "client_assertion": signed,
            }
            async with httpx.AsyncClient() as http:
                return await http.post(credential["token_url"], data=form)

        issued = await assertion_token()
        assert issued.status_code == 200, issued.text
        bearer = {"Authorization": f"Bearer {issued.json()['access_token']}"}
        async with httpx.AsyncClient(base_url=url, headers=bearer) as http:
            assert (await http.get("/v1/agencies")).status_code == 200
            assert (await http.post("/v1/directory/import", json={})).status_code == 403
        revoked = await tsunagu("credentials", "revoke", credential["client_id"], *acting)
        assert revoked.exit_code == 0, revoked.output
        assert (await assertion_token()).status_code == 401

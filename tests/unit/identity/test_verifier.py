"""The verifier against the built-in issuer: what it accepts and every way a token is refused."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

import pytest

from services.directory.identity.credentials import NewCredential
from services.directory.identity.domain import TokenPolicy, access_token_claims, sign_token
from tsunagu.auth import AGENCY_CLAIM, ROLE_CLAIM, Role
from tsunagu.auth import verifier as verifier_module
from tsunagu.auth.discovery import IssuerUnavailable, metadata_urls
from tsunagu.auth.verifier import InvalidToken, TokenVerifier

from .issuer import ISSUER, Issuer

LEEWAY = 30
POLICY = TokenPolicy(issuer=ISSUER, audience="tsunagu")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unsigned(header: dict[str, Any], claims: dict[str, Any]) -> str:
    encoded = [_b64(json.dumps(part).encode()) for part in (header, claims)]
    return ".".join(encoded)


async def _claims(issuer: Issuer, credential: NewCredential) -> dict[str, Any]:
    return access_token_claims(
        credential.client,
        policy=POLICY,
        scopes=credential.client.scopes,
        now=issuer.clock(),
    )


async def _forged(issuer: Issuer, credential: NewCredential, **changes: Any) -> str:
    claims = {**(await _claims(issuer, credential)), **changes}
    return sign_token({k: v for k, v in claims.items() if v is not None}, issuer.keys.current())


async def test_a_valid_token_gives_the_clients_principal(
    issuer: Issuer, agency_client: NewCredential
) -> None:
    assert agency_client.client_secret is not None
    token = await issuer.token(agency_client.client.client_id, agency_client.client_secret)
    principal = await issuer.verifier().verify(token)
    assert principal.client_id == agency_client.client.client_id
    assert principal.subject == agency_client.client.client_id
    assert principal.role is Role.AGENCY
    assert principal.agency_id == "ag-kita"
    assert principal.scopes == {"referrals", "inbox"}
    assert principal.acts_for("ag-kita")
    assert not principal.acts_for("ag-minami")


async def test_keys_are_found_through_the_metadata_then_cached(
    issuer: Issuer, agency_client: NewCredential
) -> None:
    assert agency_client.client_secret is not None
    token = await issuer.token(agency_client.client.client_id, agency_client.client_secret)
    verifier = issuer.verifier()
    issuer.requests.clear()
    for _ in range(5):
        await verifier.verify(token)
    assert issuer.requests == ["/.well-known/oauth-authorization-server", "/.well-known/jwks.json"]


async def test_an_expired_token_is_refused(issuer: Issuer, agency_client: NewCredential) -> None:
    assert agency_client.client_secret is not None
    token = await issuer.token(agency_client.client.client_id, agency_client.client_secret)
    verifier = issuer.verifier()
    issuer.clock.advance(300 + LEEWAY - 1)
    await verifier.verify(token)
    issuer.clock.advance(2)
    with pytest.raises(InvalidToken, match="exp"):
        await verifier.verify(token)


async def test_a_token_not_yet_valid_is_refused(
    issuer: Issuer, agency_client: NewCredential
) -> None:
    later = int(issuer.clock.seconds()) + 120
    not_before = await _forged(issuer, agency_client, nbf=later, exp=later + 300)
    with pytest.raises(InvalidToken, match="not yet valid"):
        await issuer.verifier().verify(not_before)
    issued_later = await _forged(issuer, agency_client, nbf=None, iat=later, exp=later + 300)
    with pytest.raises(InvalidToken, match="issued in the future"):
        await issuer.verifier().verify(issued_later)
    issuer.clock.advance(120 - LEEWAY)
    await issuer.verifier().verify(not_before)


async def test_a_token_for_another_audience_is_refused(
    issuer: Issuer, agency_client: NewCredential
) -> None:
    token = await _forged(issuer, agency_client)
    await issuer.verifier().verify(token)
    with pytest.raises(InvalidToken, match="aud"):
        await issuer.verifier(audience="payments").verify(token)


async def test_a_token_naming_another_issuer_is_refused(
    issuer: Issuer, agency_client: NewCredential
) -> None:
    token = await _forged(issuer, agency_client, iss="http://elsewhere.test")
    with pytest.raises(InvalidToken, match="iss"):
        await issuer.verifier().verify(token)


async def test_metadata_that_names_another_issuer_is_not_trusted(
    issuer: Issuer, agency_client: NewCredential
) -> None:
    token = await _forged(issuer, agency_client, iss="http://other.test")
    verifier = issuer.verifier(issuer="http://other.test")
    issuer.requests.clear()
    with pytest.raises(IssuerUnavailable, match="another issuer"):
        await verifier.verify(token)
    assert len(issuer.requests) == 1
    with pytest.raises(IssuerUnavailable, match="moments ago"):
        await verifier.verify(token)
    assert len(issuer.requests) == 1  # a failing issuer is not asked again at once
    issuer.clock.advance(30)
    with pytest.raises(IssuerUnavailable, match="another issuer"):
        await verifier.verify(token)
    assert len(issuer.requests) == 2


async def test_a_token_with_a_bad_signature_is_refused(
    issuer: Issuer, agency_client: NewCredential
) -> None:
    header, payload, signature = (await _forged(issuer, agency_client)).split(".")
    raw = bytearray(base64.urlsafe_b64decode(signature + "=="))
    raw[5] ^= 0x01
    with pytest.raises(InvalidToken, match="signature"):
        await issuer.verifier().verify(f"{header}.{payload}.{_b64(bytes(raw))}")


async def test_a_token_with_changed_claims_is_refused(
    issuer: Issuer, agency_client: NewCredential
) -> None:
    header, _, signature = (await _forged(issuer, agency_client)).split(".")
    claims = {**(await _claims(issuer, agency_client)), ROLE_CLAIM: "coordinator"}
    del claims[AGENCY_CLAIM]
    payload = _b64(json.dumps(claims).encode())
    with pytest.raises(InvalidToken, match="signature"):
        await issuer.verifier().verify(f"{header}.{payload}.{signature}")


async def test_an_unsigned_token_is_refused(issuer: Issuer, agency_client: NewCredential) -> None:
    header = {"alg": "none", "typ": "at+jwt", "kid": issuer.keys.current().kid}
    token = _unsigned(header, await _claims(issuer, agency_client)) + "."
    with pytest.raises(InvalidToken, match="algorithm 'none'"):
        await issuer.verifier().verify(token)


async def test_a_token_signed_with_hmac_over_the_public_key_is_refused(
    issuer: Issuer, agency_client: NewCredential
) -> None:
    public_key = json.dumps(issuer.keys.current().public_jwk()).encode()
    header = {"alg": "HS256", "typ": "at+jwt", "kid": issuer.keys.current().kid}
    signing_input = _unsigned(header, await _claims(issuer, agency_client))
    mac = hmac.new(public_key, signing_input.encode(), hashlib.sha256).digest()
    with pytest.raises(InvalidToken, match="algorithm 'HS256'"):
        await issuer.verifier().verify(f"{signing_input}.{_b64(mac)}")


async def test_a_verifier_cannot_be_told_to_accept_hmac_or_none(issuer: Issuer) -> None:
    cache = issuer.verifier()._keys
    for algorithms in (["ES256", "HS256"], ["none"]):
        with pytest.raises(ValueError, match="never accepted"):
            TokenVerifier(keys=cache, audience="tsunagu", algorithms=algorithms)


async def test_tokens_without_a_valid_role_are_refused(
    issuer: Issuer, agency_client: NewCredential
) -> None:
    cases = [{ROLE_CLAIM: None}, {ROLE_CLAIM: "mayor"}, {AGENCY_CLAIM: None}, {"client_id": None}]
    for changes in cases:
        with pytest.raises(InvalidToken):
            await issuer.verifier().verify(await _forged(issuer, agency_client, **changes))


async def test_garbage_is_refused_as_an_invalid_token(issuer: Issuer) -> None:
    for token in ("", "abc", "a.b.c", "é.é.é", "x" * 9000):
        with pytest.raises(InvalidToken):
            await issuer.verifier().verify(token)


def test_metadata_is_looked_up_as_rfc_8414_says_then_under_the_issuer_path() -> None:
    assert metadata_urls("https://id.example") == [
        "https://id.example/.well-known/oauth-authorization-server"
    ]
    assert metadata_urls("https://id.example/realms/city") == [
        "https://id.example/.well-known/oauth-authorization-server/realms/city",
        "https://id.example/realms/city/.well-known/oauth-authorization-server",
    ]


async def test_a_token_sent_again_has_its_signature_checked_once_and_its_claims_every_time(
    issuer: Issuer, agency_client: NewCredential, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert agency_client.client_secret is not None
    token = await issuer.token(agency_client.client.client_id, agency_client.client_secret)
    verifier = issuer.verifier()
    checks: list[object] = []
    validate = verifier_module.jws.validate_compact

    def counted(*args: Any, **kwargs: Any) -> bool:
        checks.append(args[0])
        return bool(validate(*args, **kwargs))

    monkeypatch.setattr(verifier_module.jws, "validate_compact", counted)
    for _ in range(5):
        assert (await verifier.verify(token)).agency_id == "ag-kita"
    assert len(checks) == 1
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    with pytest.raises(InvalidToken):
        await verifier.verify(tampered)
    assert len(checks) == 2, "another token string is checked in full"
    issuer.clock.advance(300 + LEEWAY + 1)
    with pytest.raises(InvalidToken, match="exp"):
        await verifier.verify(token)

"""Rotating the issuer's key: new kids are fetched (but not for every stranger), old ones fade."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.directory.identity.adapters.key_files import KeyFilesExposed, SigningKeyFiles
from services.directory.identity.credentials import NewCredential
from services.directory.identity.domain import TokenPolicy, access_token_claims, sign_token
from services.directory.identity.domain.signing import new_signing_key
from services.directory.identity.keys import SigningKeys
from tsunagu.auth.verifier import InvalidToken

from .issuer import ISSUER, START, Issuer

JWKS = "/.well-known/jwks.json"
POLICY = TokenPolicy(issuer=ISSUER, audience="tsunagu")


async def _token(issuer: Issuer, credential: NewCredential) -> str:
    assert credential.client_secret is not None
    return await issuer.token(credential.client.client_id, credential.client_secret)


def _published(issuer: Issuer) -> set[str]:
    return {key["kid"] for key in issuer.keys.jwks()["keys"]}


async def test_a_token_from_a_new_key_is_accepted_once_the_keys_are_refetched(
    issuer: Issuer, agency_client: NewCredential
) -> None:
    verifier = issuer.verifier()
    await verifier.verify(await _token(issuer, agency_client))
    issuer.clock.advance(31)
    issuer.keys.rotate()
    newer = await _token(issuer, agency_client)
    issuer.requests.clear()
    principal = await verifier.verify(newer)
    assert principal.client_id == agency_client.client.client_id
    assert issuer.requests.count(JWKS) == 1


async def test_a_flood_of_unknown_kids_fetches_the_keys_at_most_once_per_interval(
    issuer: Issuer, agency_client: NewCredential
) -> None:
    verifier = issuer.verifier()
    await verifier.verify(await _token(issuer, agency_client))
    issuer.keys.rotate()
    newer = await _token(issuer, agency_client)
    claims = access_token_claims(
        agency_client.client,
        policy=POLICY,
        scopes=frozenset(),
        now=issuer.clock(),
    )
    strangers = [sign_token(claims, new_signing_key(created_at=issuer.clock())) for _ in range(3)]
    issuer.requests.clear()
    for _ in range(20):
        for token in (*strangers, newer):
            with pytest.raises(InvalidToken, match="does not publish"):
                await verifier.verify(token)
    assert issuer.requests == []  # the keys were fetched moments ago
    issuer.clock.advance(30)
    await verifier.verify(newer)
    for token in strangers * 20:
        with pytest.raises(InvalidToken, match="does not publish"):
            await verifier.verify(token)
    assert issuer.requests.count(JWKS) == 1


async def test_a_retired_key_verifies_its_tokens_until_they_expire(
    issuer: Issuer, agency_client: NewCredential
) -> None:
    older = await _token(issuer, agency_client)
    retired = issuer.keys.current().kid
    issuer.keys.rotate()
    assert retired in _published(issuer)
    await issuer.verifier().verify(older)  # a verifier that first sees the keys after rotation
    issuer.clock.advance(299)
    await issuer.verifier().verify(older)
    assert issuer.keys.prune() == []
    issuer.clock.advance(300)
    assert retired not in _published(issuer)
    assert issuer.keys.prune() == [retired]
    with pytest.raises(InvalidToken):
        await issuer.verifier().verify(older)


async def test_keys_survive_a_restart_and_the_retired_one_stays_retired(tmp_path: Path) -> None:
    store = SigningKeyFiles(tmp_path / "keys")
    first = SigningKeys(store=store, token_lifetime_seconds=300, clock=lambda: START)
    first.load()
    old = first.current().kid
    new = first.rotate().kid
    again = SigningKeys(store=store, token_lifetime_seconds=300, clock=lambda: START)
    again.load()
    assert again.current().kid == new
    assert {k["kid"] for k in again.jwks()["keys"]} == {old, new}


def test_key_files_are_private_to_the_service(tmp_path: Path) -> None:
    folder = tmp_path / "keys"
    store = SigningKeyFiles(folder)
    key = new_signing_key(created_at=START)
    store.save(key)
    assert folder.stat().st_mode & 0o777 == 0o700
    path = folder / f"{key.kid}.json"
    assert path.stat().st_mode & 0o777 == 0o600
    assert store.load() == [key]
    path.chmod(0o644)
    with pytest.raises(KeyFilesExposed):
        store.load()


def test_published_keys_hold_no_private_part() -> None:
    key = new_signing_key(created_at=START)
    assert "d" in key.private_jwk
    assert "d" not in key.public_jwk()
    assert key.public_jwk()["kid"] == key.kid

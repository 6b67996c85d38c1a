"""Client records, secret hashes, token lifetimes and the issuer's production check."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from joserfc.jwk import ECKey, OctKey

from services.directory.identity.domain import (
    CredentialError,
    TokenPolicy,
    hash_secret,
    register_client,
    secret_matches,
)
from services.directory.identity.settings import (
    IssuerNotConfigured,
    IssuerSettings,
    issuer_configuration,
)
from tsunagu.auth import Role
from tsunagu.auth.settings import AuthSettings

from .issuer import START

FALLBACK_KEYS = Path("/var/tmp/fallback-keys")


def _configure(environment: str, *, issuer: str | None, keys: Path | None) -> object:
    return issuer_configuration(
        environment=environment,
        auth=AuthSettings(auth_issuer=issuer),
        issuer=IssuerSettings(issuer_keys_dir=keys),
        fallback_issuer="http://127.0.0.1:8001",
        fallback_keys_dir=FALLBACK_KEYS,
    )


def test_an_agency_client_names_its_agency_and_no_other_role_does() -> None:
    secret = hash_secret("s")
    register_client(role=Role.AGENCY, agency_id="ag-1", created_at=START, secret_hash=secret)
    register_client(role=Role.AUDITOR, agency_id=None, created_at=START, secret_hash=secret)
    with pytest.raises(CredentialError, match="needs an agency"):
        register_client(role=Role.AGENCY, agency_id=None, created_at=START, secret_hash=secret)
    with pytest.raises(CredentialError, match="acts for no agency"):
        register_client(role=Role.OPERATOR, agency_id="ag-1", created_at=START, secret_hash=secret)


def test_a_client_proves_itself_with_a_secret_or_a_public_key_never_both() -> None:
    key = ECKey.generate_key("P-256", private=True)
    public = dict(key.as_dict(private=False))
    base = {"role": Role.COORDINATOR, "agency_id": None, "created_at": START}
    register_client(**base, public_jwk=public)  # type: ignore[arg-type]
    refused = [
        {},
        {"public_jwk": public, "secret_hash": hash_secret("s")},
        {"public_jwk": dict(key.as_dict(private=True))},
        {"public_jwk": dict(OctKey.generate_key(256).as_dict(private=True))},
        {"public_jwk": {"kty": "EC", "crv": "P-256", "x": "bad"}},
    ]
    for proof in refused:
        with pytest.raises(CredentialError):
            register_client(**base, **proof)  # type: ignore[arg-type]


def test_secrets_are_stored_as_argon2id_hashes() -> None:
    stored = hash_secret("correct horse")
    assert stored.startswith("$argon2id$")
    assert "correct horse" not in stored
    assert secret_matches("correct horse", stored)
    assert not secret_matches("correct horsf", stored)
    assert not secret_matches("correct horse", None)
    assert not secret_matches("correct horse", "not a hash")


def test_tokens_live_at_most_ten_minutes() -> None:
    TokenPolicy(issuer="https://id.example", audience="tsunagu", lifetime=timedelta(minutes=10))
    with pytest.raises(ValueError, match="lifetime"):
        TokenPolicy(issuer="https://id.example", audience="t", lifetime=timedelta(minutes=11))
    with pytest.raises(ValueError, match="less than or equal"):
        IssuerSettings(issuer_token_seconds=601)


def test_production_refuses_to_start_without_explicit_issuer_and_keys(tmp_path: Path) -> None:
    with pytest.raises(IssuerNotConfigured, match="TSUNAGU_AUTH_ISSUER and TSUNAGU_ISSUER"):
        _configure("production", issuer=None, keys=None)
    with pytest.raises(IssuerNotConfigured, match="TSUNAGU_ISSUER_KEYS_DIR"):
        _configure("production", issuer="https://id.city.example", keys=None)
    with pytest.raises(IssuerNotConfigured, match="https"):
        _configure("production", issuer="http://id.city.example", keys=tmp_path)
    config = _configure("production", issuer="https://id.city.example", keys=tmp_path)
    assert config == _configure("staging", issuer="https://id.city.example", keys=tmp_path)


def test_development_falls_back_to_the_local_issuer_and_keys() -> None:
    config = issuer_configuration(
        environment="development",
        auth=AuthSettings(),
        issuer=IssuerSettings(),
        fallback_issuer="http://127.0.0.1:8001",
        fallback_keys_dir=FALLBACK_KEYS,
    )
    assert config.policy.issuer == "http://127.0.0.1:8001"
    assert config.token_endpoint == "http://127.0.0.1:8001/oauth/token"
    assert config.keys_dir == FALLBACK_KEYS
    assert config.policy.lifetime == timedelta(minutes=5)

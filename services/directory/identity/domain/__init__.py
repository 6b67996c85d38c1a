"""The issuer's domain: clients, their secrets and keys, signing keys and access tokens."""

from .assertions import (
    ASSERTION_TYPE,
    ClientAssertion,
    asserted_client_id,
    verify_assertion,
)
from .clients import (
    Client,
    granted_scopes,
    new_client_secret,
    register_client,
    revoke,
)
from .errors import (
    ClientNotFound,
    CredentialError,
    InvalidClient,
    InvalidRequest,
    InvalidScope,
    OAuthError,
    UnsupportedGrantType,
)
from .hashing import hash_secret, secret_matches
from .signing import SIGNING_ALGORITHM, SigningKey, SigningKeySet, new_signing_key
from .tokens import MAX_LIFETIME, IssuedToken, TokenPolicy, access_token_claims, sign_token

__all__ = [
    "ASSERTION_TYPE",
    "MAX_LIFETIME",
    "SIGNING_ALGORITHM",
    "Client",
    "ClientAssertion",
    "ClientNotFound",
    "CredentialError",
    "InvalidClient",
    "InvalidRequest",
    "InvalidScope",
    "IssuedToken",
    "OAuthError",
    "SigningKey",
    "SigningKeySet",
    "TokenPolicy",
    "UnsupportedGrantType",
    "access_token_claims",
    "asserted_client_id",
    "granted_scopes",
    "hash_secret",
    "new_client_secret",
    "new_signing_key",
    "register_client",
    "revoke",
    "secret_matches",
    "sign_token",
    "verify_assertion",
]

"""Refusals of the token endpoint, as the error codes of RFC 6749 §5.2."""

from __future__ import annotations


class OAuthError(Exception):
    """A refusal with its RFC 6749 error code; `status` is the HTTP status to answer."""

    error = "invalid_request"
    status = 400

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


class InvalidRequest(OAuthError):
    """The request is malformed: a missing, repeated or unsupported parameter."""


class InvalidClient(OAuthError):
    """Client authentication failed: unknown, revoked, wrong secret or bad assertion."""

    error = "invalid_client"
    status = 401


class UnsupportedGrantType(OAuthError):
    """The grant type is not client_credentials."""

    error = "unsupported_grant_type"


class InvalidScope(OAuthError):
    """The requested scope exceeds what the client was registered with."""

    error = "invalid_scope"


class CredentialError(ValueError):
    """A credential cannot be registered as asked."""


class ClientNotFound(LookupError):
    """No client has this id."""

    def __init__(self, client_id: str) -> None:
        super().__init__(f"no client with id {client_id!r}")
        self.client_id = client_id

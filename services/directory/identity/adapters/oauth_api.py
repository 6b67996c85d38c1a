"""The issuer's HTTP endpoints: RFC 8414 metadata, the JWK Set and the token endpoint."""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from tsunagu.auth import SIGNING_ALGORITHMS

from ..domain import InvalidClient, OAuthError
from ..issuing import TokenIssuer
from ..keys import SigningKeys
from ..settings import TOKEN_PATH, IssuerConfiguration
from .token_requests import TOKEN_REQUEST_SCHEMA, read_token_request

log = structlog.get_logger(__name__)
METADATA_PATH = "/.well-known/oauth-authorization-server"
JWKS_PATH = "/.well-known/jwks.json"
AUTH_METHODS = ["client_secret_basic", "client_secret_post", "private_key_jwt"]
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


class TokenResponse(BaseModel):
    """A successful token response (RFC 6749 §5.1)."""

    access_token: str
    token_type: str = "Bearer"
    expires_in: int
    scope: str | None = None


class TokenError(BaseModel):
    """A refused token request (RFC 6749 §5.2)."""

    error: str
    error_description: str


def oauth_router(
    *, tokens: TokenIssuer, keys: SigningKeys, config: IssuerConfiguration
) -> APIRouter:
    """The issuer's public endpoints, served by the directory."""
    router = APIRouter(tags=["identity"])
    issuer = config.policy.issuer
    metadata = {
        "issuer": issuer,
        "token_endpoint": config.token_endpoint,
        "jwks_uri": issuer.rstrip("/") + JWKS_PATH,
        "grant_types_supported": ["client_credentials"],
        "response_types_supported": [],
        "token_endpoint_auth_methods_supported": AUTH_METHODS,
        "token_endpoint_auth_signing_alg_values_supported": list(SIGNING_ALGORITHMS),
    }

    @router.get(METADATA_PATH, summary="The issuer's metadata (RFC 8414)")
    async def authorization_server_metadata() -> dict[str, Any]:
        """Where the token endpoint and the signing keys are, and what they support."""
        return metadata

    @router.get(JWKS_PATH, summary="The issuer's public signing keys (JWK Set)")
    async def jwks() -> JSONResponse:
        """Every key a valid token may be signed with, including retired ones still in use."""
        return JSONResponse(keys.jwks(), headers={"Cache-Control": "max-age=60"})

    @router.post(
        TOKEN_PATH,
        summary="Get an access token (client credentials)",
        response_model=TokenResponse,
        responses={400: {"model": TokenError}, 401: {"model": TokenError}},
        openapi_extra=TOKEN_REQUEST_SCHEMA,
    )
    async def token(request: Request) -> JSONResponse:
        """Authenticate the client (secret or signed assertion) and issue a short-lived token."""
        try:
            parsed = await read_token_request(request)
            issued = await tokens.issue(parsed.proof, scope=parsed.scope)
        except OAuthError as exc:
            return _refusal(exc)
        body = TokenResponse(
            access_token=issued.access_token,
            expires_in=issued.expires_in,
            scope=" ".join(sorted(issued.scopes)) or None,
        )
        return JSONResponse(body.model_dump(exclude_none=True), headers=NO_STORE)

    return router


def _refusal(exc: OAuthError) -> JSONResponse:
    log.info("token refused", error=exc.error, reason=exc.description)
    headers = dict(NO_STORE)
    if isinstance(exc, InvalidClient):
        headers["WWW-Authenticate"] = 'Basic realm="tsunagu"'
    body = TokenError(error=exc.error, error_description=exc.description)
    return JSONResponse(body.model_dump(), status_code=exc.status, headers=headers)

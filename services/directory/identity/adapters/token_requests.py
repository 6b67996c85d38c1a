"""Reading a token request: the form, the grant type and how the client authenticates."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote_plus

from fastapi import Request

from ..domain import ASSERTION_TYPE, InvalidClient, InvalidRequest, UnsupportedGrantType
from ..issuing import AssertionPresented, ClientProof, SecretPresented

FORM = "application/x-www-form-urlencoded"
MAX_BODY = 16 * 1024
GRANT_TYPE = "client_credentials"
FIELD_LIMITS = {"scope": 1000, "client_assertion": 8000}  # characters; 200 for the others
TOKEN_REQUEST_SCHEMA: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            FORM: {
                "schema": {
                    "type": "object",
                    "required": ["grant_type"],
                    "properties": {
                        "grant_type": {"type": "string", "enum": [GRANT_TYPE]},
                        "scope": {"type": "string", "maxLength": 1000},
                        "client_id": {"type": "string", "maxLength": 200},
                        "client_secret": {"type": "string", "maxLength": 200},
                        "client_assertion_type": {"type": "string", "enum": [ASSERTION_TYPE]},
                        "client_assertion": {"type": "string", "maxLength": 8000},
                    },
                }
            }
        },
    }
}


@dataclass(frozen=True)
class TokenRequest:
    """A well-formed client credentials request."""

    proof: ClientProof
    scope: str | None


async def read_token_request(request: Request) -> TokenRequest:
    """Parse and check the request; OAuthError says what is wrong with it."""
    form = await _form(request)
    grant_type = form.get("grant_type")
    if grant_type is None:
        raise InvalidRequest("grant_type is required")
    if grant_type != GRANT_TYPE:
        raise UnsupportedGrantType(f"only {GRANT_TYPE} is supported")
    proofs = [
        proof
        for proof in (
            _basic(request.headers.get("Authorization")),
            _posted_secret(form),
            _assertion(form),
        )
        if proof is not None
    ]
    if not proofs:
        raise InvalidClient("the client did not authenticate")
    if len(proofs) > 1:
        raise InvalidRequest("use exactly one client authentication method")
    return TokenRequest(proof=proofs[0], scope=form.get("scope"))


async def _form(request: Request) -> dict[str, str]:
    media_type = request.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if media_type != FORM:
        raise InvalidRequest(f"the body must be {FORM}")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise InvalidRequest("the request body is too large")
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidRequest("the body is not a valid form") from exc
    names = [name for name, _ in pairs]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise InvalidRequest(f"parameters given more than once: {repeated}")
    too_long = sorted(name for name, value in pairs if len(value) > FIELD_LIMITS.get(name, 200))
    if too_long:
        raise InvalidRequest(f"parameters too long: {too_long}")
    return dict(pairs)


def _basic(authorization: str | None) -> SecretPresented | None:
    if authorization is None:
        return None
    scheme, _, encoded = authorization.partition(" ")
    if scheme.lower() != "basic":
        raise InvalidClient("only Basic authentication is accepted in the Authorization header")
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidClient("the Basic credentials cannot be decoded") from exc
    client_id, colon, secret = decoded.partition(":")
    if not colon:
        raise InvalidClient("the Basic credentials hold no secret")
    # RFC 6749 §2.3.1: both parts are form-urlencoded before being joined.
    return SecretPresented(client_id=unquote_plus(client_id), secret=unquote_plus(secret))


def _posted_secret(form: dict[str, str]) -> SecretPresented | None:
    if "client_secret" not in form:
        return None
    client_id = form.get("client_id")
    if not client_id:
        raise InvalidRequest("client_secret needs client_id")
    return SecretPresented(client_id=client_id, secret=form["client_secret"])


def _assertion(form: dict[str, str]) -> AssertionPresented | None:
    if "client_assertion" not in form and "client_assertion_type" not in form:
        return None
    if form.get("client_assertion_type") != ASSERTION_TYPE:
        raise InvalidRequest(f"client_assertion_type must be {ASSERTION_TYPE}")
    if not form.get("client_assertion"):
        raise InvalidRequest("client_assertion is empty")
    return AssertionPresented(assertion=form["client_assertion"], client_id=form.get("client_id"))

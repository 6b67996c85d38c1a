"""The HTTP edge of authentication: bearer tokens in, a Principal or an RFC 6750 answer out."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Annotated

import structlog
from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from tsunagu.auth.claims import Principal, Role
from tsunagu.auth.discovery import IssuerUnavailable
from tsunagu.auth.policy import AccessPolicy, Refused, Rule
from tsunagu.auth.verifier import InvalidToken, TokenVerifier

from .problems import MEDIA_TYPE, TYPE_BASE, Problem

log = structlog.get_logger(__name__)
REALM = "tsunagu"
VERIFIER_STATE = "token_verifier"
POLICY_STATE = "access_policy"
# RFC 6750 §3: error_description holds only %x20-21 / %x23-5B / %x5D-7E.
UNSAFE_IN_CHALLENGE = re.compile(r"[^\x20\x21\x23-\x5b\x5d-\x7e]")
bearer_scheme = HTTPBearer(
    auto_error=False,
    scheme_name="BearerToken",
    description="An access token from the issuer (OAuth 2.0 client credentials).",
)
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)]


class Unauthenticated(Problem):
    """401: no token, or one that does not verify; carries the RFC 6750 challenge."""

    def __init__(self, detail: str, *, invalid_token: bool) -> None:
        super().__init__(401, detail, kind="invalid-token" if invalid_token else "unauthenticated")
        challenge = f'Bearer realm="{REALM}"'
        if invalid_token:
            description = UNSAFE_IN_CHALLENGE.sub("?", detail)[:200]
            challenge += f', error="invalid_token", error_description="{description}"'
        self.challenge = challenge


def install_verifier(app: FastAPI, verifier: TokenVerifier) -> None:
    """Make `verifier` the one `bearer_principal()` uses, and answer 401s with a challenge."""
    setattr(app.state, VERIFIER_STATE, verifier)
    app.add_exception_handler(Unauthenticated, _on_unauthenticated)


def bearer_principal(
    verifier: TokenVerifier | None = None,
) -> Callable[..., Awaitable[Principal]]:
    """A dependency answering the caller's Principal; `verifier` defaults to the app's."""

    async def principal(request: Request, credentials: Credentials) -> Principal:
        return await _verified(request, credentials, verifier)

    return principal


async def _verified(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None,
    verifier: TokenVerifier | None,
) -> Principal:
    if credentials is None or not credentials.credentials:
        raise Unauthenticated("a bearer access token is required", invalid_token=False)
    checker = verifier or getattr(request.app.state, VERIFIER_STATE)
    try:
        return await checker.verify(credentials.credentials)
    except InvalidToken as exc:
        log.info("token refused", reason=str(exc), path=request.url.path)
        raise Unauthenticated(str(exc), invalid_token=True) from exc
    except IssuerUnavailable as exc:
        log.warning("issuer unavailable", error=str(exc))
        raise Problem(503, "the token issuer cannot be reached", kind="issuer-unavailable") from exc


def install_access(app: FastAPI, policy: AccessPolicy) -> None:
    """Make `policy` the one `authorize` checks every request of `app` against."""
    setattr(app.state, POLICY_STATE, policy)


async def authorize(request: Request, credentials: Credentials) -> Principal | None:
    """The app-wide guard: the route's rule, then the token; None on a public route."""
    rule = _rule_of(request)
    if rule.public:
        return None
    principal = await _verified(request, credentials, None)
    try:
        rule.check(principal, request)
    except Refused as refused:
        kind = "forbidden" if refused.status == 403 else "not-found"
        raise Problem(refused.status, refused.detail, kind=kind) from refused
    return principal


def _rule_of(request: Request) -> Rule:
    route = request.scope.get("route")
    key = (request.method, str(getattr(route, "path", "")))
    policy: AccessPolicy = getattr(request.app.state, POLICY_STATE, {})
    rule = policy.get(key)
    if rule is None:
        log.error("route without an access rule", method=key[0], path=key[1])
        raise Problem(403, "this route has no access rule", kind="forbidden")
    return rule


async def authorized_caller(
    found: Annotated[Principal | None, Depends(authorize)],
) -> Principal:
    """The caller the guard verified (a route with a public rule has none: 401)."""
    if found is None:
        raise Unauthenticated("a bearer access token is required", invalid_token=False)
    return found


Caller = Annotated[Principal, Depends(authorized_caller)]
"""The verified caller of a guarded route, already checked against the route's rule."""


CallerPrincipal = Annotated[Principal, Depends(bearer_principal())]


def require_role(principal: Principal, *roles: Role) -> None:
    """Answer 403 unless the principal has one of `roles`."""
    if principal.role not in roles:
        allowed = ", ".join(r.value for r in roles)
        raise Problem(403, f"this needs the role {allowed}", kind="forbidden")


def require_agency(principal: Principal, agency_id: str) -> None:
    """Answer 403 unless the principal is the agency `agency_id` itself."""
    if not principal.acts_for(agency_id):
        raise Problem(403, f"only agency {agency_id!r} may do this", kind="forbidden")


def with_role(*roles: Role) -> Callable[..., Awaitable[Principal]]:
    """A dependency answering the caller's Principal, or 403 unless it has one of `roles`."""

    async def principal(caller: CallerPrincipal) -> Principal:
        require_role(caller, *roles)
        return caller

    return principal


async def _on_unauthenticated(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Unauthenticated)
    body = {
        "type": TYPE_BASE + exc.kind,
        "title": exc.title,
        "status": exc.status,
        "detail": exc.detail,
        "instance": request.url.path,
    }
    headers = {"WWW-Authenticate": exc.challenge}
    return JSONResponse(body, status_code=401, media_type=MEDIA_TYPE, headers=headers)

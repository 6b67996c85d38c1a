"""Real access tokens for the tests: an issuer served over HTTP, and an `httpx.Auth` that asks
for the token of whoever a request says it acts as.

A test names its principal with `acting(agency_id)` or `as_role(role)`: a header meant for
`PrincipalAuth` alone, which removes it and sends the principal's bearer token instead, so the
services only ever see tokens.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import httpx
import uvicorn

from services.directory.identity.credentials import Credentials
from tests.unit.identity.issuer import issuer_app
from tsunagu.auth import Role

PRINCIPAL = "X-Test-Principal"
"""Read and removed by `PrincipalAuth` on the test side; it never reaches a service."""
Principal = tuple[str, str | None]


def acting(agency_id: str) -> dict[str, str]:
    """Headers making a request act as the agency `agency_id` (with its token)."""
    return {PRINCIPAL: f"agency:{agency_id}"}


def as_role(role: str) -> dict[str, str]:
    """Headers making a request act with a client of `role` (coordinator, auditor, operator)."""
    return {PRINCIPAL: role}


def _parse(value: str) -> Principal:
    role, _, agency = value.partition(":")
    return role, agency or None


class TokenSource(Protocol):
    """Where the tests get a principal's access token."""

    async def token(self, principal: Principal) -> str:
        """A valid token of a client of `principal` (role, agency id)."""
        ...


class PrincipalAuth(httpx.Auth):
    """Sends the token of the principal a request names (or of `default`; none if neither)."""

    def __init__(self, source: TokenSource, default: str | None = None) -> None:
        self._source = source
        self._default = default

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        """Swap the principal header for its bearer token."""
        named = request.headers.pop(PRINCIPAL, None) or self._default
        if named is not None and "Authorization" not in request.headers:
            token = await self._source.token(_parse(named))
            request.headers["Authorization"] = f"Bearer {token}"
        yield request


@dataclass
class _Cached:
    token: str
    renew_at: float

    @property
    def fresh(self) -> bool:
        """Whether the token is still far enough from its expiry to send."""
        return time.monotonic() < self.renew_at


BUSY_PATIENCE_SECONDS = 90.0


async def request_patiently(
    http: httpx.AsyncClient, *, patience: float = BUSY_PATIENCE_SECONDS, **request: Any
) -> httpx.Response:
    """Send `request` as a well-behaved client does: a 503 with Retry-After (the service's
    store away for a moment, say a restart) is sent again after it, for up to `patience`
    seconds; any other answer is returned."""
    deadline = time.monotonic() + patience
    while True:
        response = await http.request(**request)
        busy = response.status_code == 503 and "retry-after" in response.headers
        if not busy or time.monotonic() > deadline:
            return response
        await asyncio.sleep(float(response.headers["retry-after"]))


async def _client_token(http: httpx.AsyncClient, issuer: str, client: tuple[str, str]) -> _Cached:
    """A token of `client` (id, secret) from `issuer`'s token endpoint (client credentials)."""
    response = await request_patiently(
        http,
        method="POST",
        url=f"{issuer}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=client,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    return _Cached(str(body["access_token"]), time.monotonic() + body["expires_in"] - 60)


@dataclass
class TestIssuer:
    """The built-in issuer's endpoints with clients kept in memory, on a real HTTP port."""

    __test__ = False  # not a test class, despite its name

    url: str
    credentials: Credentials
    http: httpx.AsyncClient
    _secrets: dict[Principal, tuple[str, str]] = field(default_factory=dict)
    _tokens: dict[Principal, _Cached] = field(default_factory=dict)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def token(self, principal: Principal) -> str:
        """A token of a client of `principal`, registering one on first use."""
        cached = self._tokens.get(principal)
        if cached is not None and cached.fresh:
            return cached.token
        async with self._lock:
            if principal not in self._secrets:
                role, agency_id = principal
                new = await self.credentials.create(role=Role(role), agency_id=agency_id)
                assert new.client_secret is not None
                self._secrets[principal] = (new.client.client_id, new.client_secret)
        fetched = await _client_token(self.http, self.url, self._secrets[principal])
        self._tokens[principal] = fetched
        return fetched.token


_serving: list[TestIssuer] = []


def session_issuer() -> TestIssuer:
    """The issuer the `test_issuer` fixture serves (for helpers outside fixtures)."""
    assert _serving, "the test_issuer fixture is not running"
    return _serving[-1]


@asynccontextmanager
async def serving_issuer(keys_dir: Path) -> AsyncIterator[TestIssuer]:
    """Serve an issuer on a free local port until the block ends."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    app, _, clients = issuer_app(keys_dir, issuer=url, token_seconds=600)
    server = uvicorn.Server(uvicorn.Config(app, log_config=None, access_log=False))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:  # noqa: ASYNC110 (uvicorn offers no event to wait on)
            await asyncio.sleep(0.02)
        # No kept-alive connections: the server closes idle ones, and reusing one fails.
        unpooled = httpx.Limits(max_keepalive_connections=0)
        async with httpx.AsyncClient(timeout=10, limits=unpooled) as http:
            issuer = TestIssuer(url, Credentials(clients=clients), http)
            _serving.append(issuer)
            yield issuer
    finally:
        _serving.clear()
        server.should_exit = True
        await task
        sock.close()


class DirectoryTokens:
    """Tokens from a running directory's built-in issuer, clients made by its coordinator."""

    def __init__(self, directory_url: str, coordinator: tuple[str, str]) -> None:
        self.url = directory_url.rstrip("/")
        self._coordinator = coordinator
        self._secrets: dict[Principal, tuple[str, str]] = {("coordinator", None): coordinator}
        self._tokens: dict[Principal, _Cached] = {}
        self._lock = asyncio.Lock()

    @property
    def coordinator(self) -> tuple[str, str]:
        """The coordinator client's id and secret."""
        return self._coordinator

    async def token(self, principal: Principal) -> str:
        """A token of a client of `principal`, registered through the directory on first use."""
        cached = self._tokens.get(principal)
        if cached is not None and cached.fresh:
            return cached.token
        unpooled = httpx.Limits(max_keepalive_connections=0)
        async with self._lock, httpx.AsyncClient(timeout=30, limits=unpooled) as http:
            if principal not in self._secrets:
                role, agency_id = principal
                bearer = await self._current(http, ("coordinator", None))
                created = await request_patiently(
                    http,
                    method="POST",
                    url=f"{self.url}/v1/clients",
                    json={"role": role, "agency_id": agency_id},
                    headers={"Authorization": f"Bearer {bearer}"},
                )
                assert created.status_code == 201, created.text
                body = created.json()
                self._secrets[principal] = (body["client_id"], body["client_secret"])
            return await self._current(http, principal)

    async def _current(self, http: httpx.AsyncClient, principal: Principal) -> str:
        cached = self._tokens.get(principal)
        if cached is None or not cached.fresh:
            cached = await _client_token(http, self.url, self._secrets[principal])
            self._tokens[principal] = cached
        return cached.token

"""A built-in issuer served in-process over httpx's ASGI transport, with a clock to move."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from fastapi import FastAPI

from services.directory.identity.adapters.key_files import SigningKeyFiles
from services.directory.identity.adapters.oauth_api import oauth_router
from services.directory.identity.credentials import Credentials
from services.directory.identity.domain import Client
from services.directory.identity.issuing import TokenIssuer
from services.directory.identity.keys import SigningKeys
from services.directory.identity.settings import IssuerSettings, issuer_configuration
from tsunagu.auth.discovery import IssuerKeys
from tsunagu.auth.settings import AuthSettings
from tsunagu.auth.verifier import TokenVerifier
from tsunagu.web.problems import install_problem_handlers

ISSUER = "http://issuer.test"
TOKEN_URL = ISSUER + "/oauth/token"
START = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


@dataclass
class Clock:
    """One adjustable time for the issuer, the verifier and the key cache."""

    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def seconds(self) -> float:
        """The same moment as a POSIX timestamp."""
        return self.now.timestamp()

    def advance(self, seconds: float) -> None:
        """Move time forward."""
        self.now += timedelta(seconds=seconds)


class InMemoryClients:
    """Registered clients in a dict."""

    def __init__(self) -> None:
        self.clients: dict[str, Client] = {}

    async def add(self, client: Client) -> None:
        self.clients[client.client_id] = client

    async def get(self, client_id: str) -> Client | None:
        return self.clients.get(client_id)

    async def list(self, *, agency_id: str | None = None) -> list[Client]:
        found = [c for c in self.clients.values() if agency_id in (None, c.agency_id)]
        return sorted(found, key=lambda c: c.client_id)

    async def revoke(self, client_id: str, *, at: datetime) -> bool:
        client = self.clients.get(client_id)
        if client is not None and client.revoked_at is None:
            self.clients[client_id] = replace(client, revoked_at=at)
        return client is not None

    async def revoke_agency(self, agency_id: str, *, at: datetime) -> int:
        mine = [c for c in self.clients.values() if c.agency_id == agency_id and c.active]
        for client in mine:
            await self.revoke(client.client_id, at=at)
        return len(mine)


class InMemoryUsedAssertions:
    """Assertion ids seen so far, each forgotten once past the time it was kept until (as the
    store's purge does)."""

    def __init__(self, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.seen: dict[tuple[str, str], datetime] = {}
        self._clock = clock

    async def first_use(self, client_id: str, jti: str, *, expires_at: datetime) -> bool:
        now = self._clock()
        self.seen = {key: until for key, until in self.seen.items() if until >= now}
        first = (client_id, jti) not in self.seen
        self.seen[(client_id, jti)] = expires_at
        return first


@dataclass
class Issuer:
    """The issuer's use cases, its HTTP client and a count of requests made to it."""

    clock: Clock
    keys: SigningKeys
    credentials: Credentials
    clients: InMemoryClients
    http: httpx.AsyncClient
    requests: list[str] = field(default_factory=list)

    def verifier(self, *, audience: str = "tsunagu", issuer: str = ISSUER) -> TokenVerifier:
        """A fresh verifier of this issuer's tokens, with an empty key cache."""
        cache = IssuerKeys(issuer, http=self.http, clock=self.clock.seconds)
        return TokenVerifier(keys=cache, audience=audience, clock=self.clock.seconds)

    async def token(self, client_id: str, secret: str) -> str:
        """A token obtained with client_secret_post."""
        form = {"grant_type": "client_credentials", "client_id": client_id}
        response = await self.http.post(TOKEN_URL, data={**form, "client_secret": secret})
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])


def issuer_app(
    keys_dir: Path,
    *,
    issuer: str,
    token_seconds: int,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> tuple[FastAPI, SigningKeys, InMemoryClients]:
    """The issuer's public endpoints over in-memory clients; its keys live under `keys_dir`."""
    config = issuer_configuration(
        environment="development",
        auth=AuthSettings(auth_issuer=issuer),
        issuer=IssuerSettings(issuer_token_seconds=token_seconds),
        fallback_issuer=issuer,
        fallback_keys_dir=keys_dir,
    )
    keys = SigningKeys(
        store=SigningKeyFiles(config.keys_dir), token_lifetime_seconds=token_seconds, clock=clock
    )
    keys.load()
    clients = InMemoryClients()
    tokens = TokenIssuer(
        clients=clients,
        used_assertions=InMemoryUsedAssertions(clock),
        keys=keys,
        policy=config.policy,
        token_endpoint=config.token_endpoint,
        clock=clock,
    )
    app = FastAPI()
    install_problem_handlers(app)
    app.include_router(oauth_router(tokens=tokens, keys=keys, config=config))
    return app, keys, clients


@asynccontextmanager
async def running_issuer(keys_dir: Path, *, token_seconds: int = 300) -> AsyncIterator[Issuer]:
    """Serve the issuer's router in-process; its keys live under `keys_dir`."""
    clock = Clock()
    app, keys, clients = issuer_app(
        keys_dir, issuer=ISSUER, token_seconds=token_seconds, clock=clock
    )
    requests: list[str] = []

    async def record(request: httpx.Request) -> None:
        requests.append(request.url.path)

    transport = httpx.ASGITransport(app=app)
    hooks = {"request": [record]}
    async with httpx.AsyncClient(transport=transport, event_hooks=hooks) as http:
        credentials = Credentials(clients=clients, clock=clock)
        yield Issuer(clock, keys, credentials, clients, http, requests)

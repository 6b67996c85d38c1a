"""The built-in issuer as the directory hosts it: keys on disk, clients in the directory's store."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from fastapi import APIRouter
from pymongo.asynchronous.database import AsyncDatabase
from starlette.types import ASGIApp, Receive, Scope, Send

from tsunagu.auth.discovery import IssuerKeys
from tsunagu.auth.settings import AuthSettings
from tsunagu.auth.verifier import TokenVerifier

from .adapters.clients_api import AgencyExists, clients_router
from .adapters.key_files import SigningKeyFiles
from .adapters.mongo import MongoClientRepository, MongoUsedAssertions
from .adapters.oauth_api import oauth_router
from .credentials import Credentials
from .issuing import TokenIssuer
from .keys import SigningKeys
from .settings import IssuerConfiguration, IssuerSettings, issuer_configuration

CLIENTS = "clients"
ASSERTIONS = "client_assertions"
LOCAL_KEYS_DIR = Path(".tsunagu/issuer-keys")
"""Where development keeps the signing keys when TSUNAGU_ISSUER_KEYS_DIR is not set."""


def client_store(database: AsyncDatabase[dict[str, Any]]) -> MongoClientRepository:
    """The directory database's registered clients."""
    return MongoClientRepository(database[CLIENTS])


class _OwnApp:
    """The directory's app, once built: its issuer's keys are read from it in-process."""

    def __init__(self) -> None:
        self.app: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert self.app is not None, "serve_from(app) was not called"
        await self.app(scope, receive, send)


@dataclass
class BuiltInIssuer:
    """The issuer's configuration, keys, clients and routes, as one directory serves them."""

    config: IssuerConfiguration
    keys: SigningKeys
    credentials: Credentials
    clients: MongoClientRepository
    used_assertions: MongoUsedAssertions
    routers: list[APIRouter]
    own_app: _OwnApp

    async def prepare(self) -> None:
        """Load (or create) the signing keys; index the clients and the used assertions."""
        self.keys.load()
        await self.clients.ensure_indexes()
        await self.used_assertions.ensure_indexes()

    def verifier(self, *, leeway_seconds: int) -> tuple[TokenVerifier, httpx.AsyncClient]:
        """A verifier reading this issuer's metadata and keys from the directory's own app, in
        process (see `serve_from`), exactly as other services read them over HTTP."""
        transport = httpx.ASGITransport(app=self.own_app)
        http = httpx.AsyncClient(transport=transport, base_url="http://directory")
        keys = IssuerKeys(self.config.policy.issuer, http=http)
        verifier = TokenVerifier(
            keys=keys, audience=self.config.policy.audience, leeway_seconds=leeway_seconds
        )
        return verifier, http

    def serve_from(self, app: ASGIApp) -> None:
        """Name the app that serves this issuer's metadata and keys to its verifier."""
        self.own_app.app = app


def built_in_issuer(
    *,
    database: AsyncDatabase[dict[str, Any]],
    environment: str,
    auth: AuthSettings,
    issuer: IssuerSettings,
    own_url: str,
    agency_exists: AgencyExists,
) -> BuiltInIssuer:
    """The issuer at `own_url` (or TSUNAGU_AUTH_ISSUER); refuses production without config."""
    config = issuer_configuration(
        environment=environment,
        auth=auth,
        issuer=issuer,
        fallback_issuer=own_url,
        fallback_keys_dir=LOCAL_KEYS_DIR,
    )
    keys = SigningKeys(
        store=SigningKeyFiles(config.keys_dir),
        token_lifetime_seconds=issuer.issuer_token_seconds,
    )
    clients = client_store(database)
    credentials = Credentials(clients=clients)
    used_assertions = MongoUsedAssertions(database[ASSERTIONS])
    tokens = TokenIssuer(
        clients=clients,
        used_assertions=used_assertions,
        keys=keys,
        policy=config.policy,
        token_endpoint=config.token_endpoint,
    )
    routers = [
        oauth_router(tokens=tokens, keys=keys, config=config),
        clients_router(
            credentials=credentials,
            token_url=config.token_endpoint,
            agency_exists=agency_exists,
        ),
    ]
    return BuiltInIssuer(config, keys, credentials, clients, used_assertions, routers, _OwnApp())

"""How the tools act in the network: client credentials, kept in files, traded for tokens.

`ClientTokens` is an `httpx.Auth` that gets a token with the client's secret when it has none
or it is about to expire, for sync and async clients alike. `NetworkTokens` acts for any agency
or role, registering a client for it (with the coordinator's token) on first use.
"""

from __future__ import annotations

import base64
import json
import os
import time
from collections.abc import Generator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import httpx

# A token is renewed this long before it expires, so no request carries one about to lapse.
RENEW_BEFORE_SECONDS = 30.0
Flow = Generator[httpx.Request, httpx.Response, httpx.Response]


class AccessError(RuntimeError):
    """A credential was refused, or a client could not be registered."""


@dataclass(frozen=True)
class ClientCredential:
    """A client id, its secret and where to trade them for a token."""

    client_id: str
    client_secret: str
    token_url: str
    role: str = "coordinator"
    agency_id: str | None = None

    def save(self, path: Path) -> None:
        """Write it as JSON readable by this user only (0600)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            json.dump(asdict(self), handle, indent=2)
        os.replace(partial, path)

    @classmethod
    def load(cls, path: Path) -> ClientCredential:
        """Read a credential file written by `save` (or `tsunagu credentials create`)."""
        data: dict[str, Any] = json.loads(path.read_text())
        return cls(
            client_id=str(data["client_id"]),
            client_secret=str(data["client_secret"]),
            token_url=str(data["token_url"]),
            role=str(data.get("role", "coordinator")),
            agency_id=data.get("agency_id"),
        )


def token_request(credential: ClientCredential) -> httpx.Request:
    """The client credentials grant, authenticated with client_secret_basic."""
    return httpx.Request(
        "POST",
        credential.token_url,
        data={"grant_type": "client_credentials"},
        headers={"Authorization": _basic(credential), "Accept": "application/json"},
    )


def _basic(credential: ClientCredential) -> str:
    # RFC 6749 §2.3.1: each part form-urlencoded, then joined and base64-encoded.
    pair = f"{quote_plus(credential.client_id)}:{quote_plus(credential.client_secret)}"
    return "Basic " + base64.b64encode(pair.encode()).decode()


class ClientTokens(httpx.Auth):
    """Bearer tokens of one client, fetched on first need and renewed before they expire."""

    requires_response_body = True

    def __init__(self, credential: ClientCredential) -> None:
        self.credential = credential
        self._token: str | None = None
        self._renew_at = 0.0

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Send `request` with a valid token, fetching one first if needed."""
        yield from self.authorized(request)

    def authorized(self, request: httpx.Request) -> Flow:
        """Like `auth_flow`, but hands back the final response (for flows that nest it)."""
        if self._token is None or time.monotonic() >= self._renew_at:
            response = yield token_request(self.credential)
            self._keep(response)
        request.headers["Authorization"] = f"Bearer {self._token}"
        return (yield request)

    def _keep(self, response: httpx.Response) -> None:
        if response.status_code != 200:
            raise AccessError(
                f"the issuer refused client {self.credential.client_id}: "
                f"{response.status_code} {response.text}"
            )
        body = response.json()
        self._token = str(body["access_token"])
        lifetime = float(body.get("expires_in", 60))
        self._renew_at = time.monotonic() + max(lifetime - RENEW_BEFORE_SECONDS, lifetime / 2)


class NetworkTokens:
    """Tokens for any agency or role, registering one client for each through the directory,
    with the coordinator's token, on first use."""

    def __init__(self, directory_url: str, coordinator: ClientCredential) -> None:
        self.directory_url = directory_url.rstrip("/")
        self.coordinator = ClientTokens(coordinator)
        self._clients: dict[tuple[str, str | None], ClientTokens] = {}

    def agency(self, agency_id: str) -> httpx.Auth:
        """An `httpx.Auth` acting as `agency_id`."""
        return _RegisteredAuth(self, ("agency", agency_id))

    def role(self, role: str) -> httpx.Auth:
        """An `httpx.Auth` with a client of `role` (auditor, operator) acting for no agency."""
        return _RegisteredAuth(self, (role, None))

    def register_flow(
        self, principal: tuple[str, str | None]
    ) -> Generator[httpx.Request, httpx.Response, None]:
        """Register a client for the principal unless it has one (nested in an auth flow)."""
        if principal in self._clients:
            return
        role, agency_id = principal
        create = httpx.Request(
            "POST",
            f"{self.directory_url}/v1/clients",
            json={"role": role, "agency_id": agency_id},
        )
        response = yield from self.coordinator.authorized(create)
        if response.status_code != 201:
            raise AccessError(
                f"no client for {role} {agency_id or ''}: {response.status_code} {response.text}"
            )
        body = response.json()
        credential = ClientCredential(
            client_id=body["client_id"],
            client_secret=body["client_secret"],
            token_url=body["token_url"],
            role=role,
            agency_id=agency_id,
        )
        self._clients[principal] = ClientTokens(credential)

    def tokens_of(self, principal: tuple[str, str | None]) -> ClientTokens:
        """The registered principal's tokens (after `register_flow`)."""
        return self._clients[principal]


class _RegisteredAuth(httpx.Auth):
    requires_response_body = True

    def __init__(self, network: NetworkTokens, principal: tuple[str, str | None]) -> None:
        self._network = network
        self._principal = principal

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        yield from self._network.register_flow(self._principal)
        yield from self._network.tokens_of(self._principal).authorized(request)


def auditor_auth(path: Path | None) -> httpx.Auth | None:
    """Tokens of the auditor whose credential is in `path`; None sends no token (and gets 401)."""
    return ClientTokens(ClientCredential.load(path)) if path is not None else None

"""The token endpoint's use case: authenticate a client, then sign it a short-lived token."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime

from .domain import (
    Client,
    InvalidClient,
    InvalidRequest,
    InvalidScope,
    IssuedToken,
    TokenPolicy,
    access_token_claims,
    asserted_client_id,
    granted_scopes,
    secret_matches,
    sign_token,
    verify_assertion,
)
from .keys import SigningKeys
from .ports import ClientRepository, UsedAssertions

_HASHING = ThreadPoolExecutor(max_workers=1, thread_name_prefix="secret-check")
"""Where client secrets are checked: Argon2 takes 25–35 ms of CPU, which on the event loop
would stall every other request of the process."""


@dataclass(frozen=True)
class SecretPresented:
    """`client_secret_basic` or `client_secret_post`: the client id and its secret."""

    client_id: str
    secret: str


@dataclass(frozen=True)
class AssertionPresented:
    """`private_key_jwt`: a signed assertion, and the client id if the request named one."""

    assertion: str
    client_id: str | None = None


ClientProof = SecretPresented | AssertionPresented


def _utc_now() -> datetime:
    return datetime.now(UTC)


class TokenIssuer:
    """Issues access tokens to registered, active clients that prove who they are."""

    def __init__(
        self,
        *,
        clients: ClientRepository,
        used_assertions: UsedAssertions,
        keys: SigningKeys,
        policy: TokenPolicy,
        token_endpoint: str,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self._clients = clients
        self._used = used_assertions
        self._keys = keys
        self._policy = policy
        self._audiences = (token_endpoint, policy.issuer)
        self._clock = clock

    async def issue(self, proof: ClientProof, *, scope: str | None) -> IssuedToken:
        """A signed token for the authenticated client, with the scopes it may have."""
        client = await self.authenticate(proof)
        scopes = granted_scopes(client, scope)
        if scopes is None:
            raise InvalidScope("the client is not registered for every scope requested")
        now = self._clock()
        claims = access_token_claims(client, policy=self._policy, scopes=scopes, now=now)
        token = sign_token(claims, self._keys.current())
        lifetime = int(self._policy.lifetime.total_seconds())
        return IssuedToken(access_token=token, expires_in=lifetime, scopes=scopes)

    async def authenticate(self, proof: ClientProof) -> Client:
        """The active client that `proof` proves; InvalidClient otherwise."""
        if isinstance(proof, SecretPresented):
            return await self._by_secret(proof)
        return await self._by_assertion(proof)

    async def _by_secret(self, proof: SecretPresented) -> Client:
        client = await self._clients.get(proof.client_id)
        stored = client.secret_hash if client is not None else None
        # Always spend one hash check, so unknown ids answer as slowly as wrong secrets; off the
        # event loop, one at a time, so a flood of wrong secrets leaves a core to other requests.
        matches = await asyncio.get_running_loop().run_in_executor(
            _HASHING, secret_matches, proof.secret, stored
        )
        if not matches or client is None:
            raise InvalidClient("unknown client or wrong secret")
        return _active(client)

    async def _by_assertion(self, proof: AssertionPresented) -> Client:
        client_id = asserted_client_id(proof.assertion)
        if proof.client_id is not None and proof.client_id != client_id:
            raise InvalidRequest("client_id differs from the assertion's subject")
        client = await self._clients.get(client_id)
        if client is None:
            raise InvalidClient("unknown client")
        verified = verify_assertion(
            proof.assertion, client=client, audiences=self._audiences, now=self._clock()
        )
        _active(client)
        if not await self._used.first_use(
            client.client_id, verified.jti, expires_at=verified.expires_at
        ):
            raise InvalidClient("this client assertion was already used")
        return client


def _active(client: Client) -> Client:
    if not client.active:
        raise InvalidClient("the client is revoked")
    return client

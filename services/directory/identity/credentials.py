"""Registering, listing and revoking clients: what an operator of the issuer does."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tsunagu.auth import Role

from .domain import (
    Client,
    ClientNotFound,
    hash_secret,
    new_client_secret,
    register_client,
)
from .ports import ClientRepository


@dataclass(frozen=True)
class NewCredential:
    """A registered client and, if it uses one, its secret: shown once, never stored."""

    client: Client
    client_secret: str | None


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _to_milliseconds(moment: datetime) -> datetime:
    # The store keeps times to the millisecond; a record reads back exactly as it was made.
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


class Credentials:
    """Registers clients with a secret or a public key, and revokes them."""

    def __init__(
        self, *, clients: ClientRepository, clock: Callable[[], datetime] = _utc_now
    ) -> None:
        self._clients = clients
        self._clock = clock

    async def create(
        self,
        *,
        role: Role,
        agency_id: str | None,
        scopes: frozenset[str] = frozenset(),
        public_jwk: dict[str, Any] | None = None,
    ) -> NewCredential:
        """Register a client: with `public_jwk` for private_key_jwt, else with a new secret."""
        secret = None if public_jwk is not None else new_client_secret()
        client = register_client(
            role=role,
            agency_id=agency_id,
            scopes=scopes,
            created_at=_to_milliseconds(self._clock()),
            secret_hash=None if secret is None else hash_secret(secret),
            public_jwk=public_jwk,
        )
        await self._clients.add(client)
        return NewCredential(client=client, client_secret=secret)

    async def list(self, *, agency_id: str | None = None) -> list[Client]:
        """Every client, or those of one agency."""
        return await self._clients.list(agency_id=agency_id)

    async def revoke(self, client_id: str) -> None:
        """Revoke one client: it gets no more tokens. ClientNotFound if there is none."""
        if not await self._clients.revoke(client_id, at=_to_milliseconds(self._clock())):
            raise ClientNotFound(client_id)

    async def revoke_agency(self, agency_id: str) -> int:
        """Revoke every client of an agency, as when it is deactivated; how many."""
        return await self._clients.revoke_agency(agency_id, at=_to_milliseconds(self._clock()))

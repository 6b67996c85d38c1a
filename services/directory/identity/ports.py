"""What the issuer's use cases need from the outside: clients, used assertions, key files."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from .domain import Client, SigningKey


class ClientRepository(Protocol):
    """Where registered clients are kept."""

    async def add(self, client: Client) -> None:
        """Store a newly registered client."""
        ...

    async def get(self, client_id: str) -> Client | None:
        """Load one client, or None."""
        ...

    async def list(self, *, agency_id: str | None = None) -> list[Client]:
        """Every client (of one agency if given), in id order."""
        ...

    async def revoke(self, client_id: str, *, at: datetime) -> bool:
        """Mark a client revoked at `at` unless it already is; False if there is no such client."""
        ...

    async def revoke_agency(self, agency_id: str, *, at: datetime) -> int:
        """Revoke every active client of an agency; how many were revoked."""
        ...


class UsedAssertions(Protocol):
    """Remembers client assertion ids until they expire, so each is accepted once."""

    async def first_use(self, client_id: str, jti: str, *, expires_at: datetime) -> bool:
        """Record the assertion; False if it was recorded before."""
        ...


class SigningKeyStore(Protocol):
    """Where the issuer's private signing keys are kept."""

    def load(self) -> list[SigningKey]:
        """Every stored key."""
        ...

    def save(self, key: SigningKey) -> None:
        """Store a key, replacing one with the same kid."""
        ...

    def delete(self, kid: str) -> None:
        """Forget a key."""
        ...

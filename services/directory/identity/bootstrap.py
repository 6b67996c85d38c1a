"""The first credential of a network, written straight into the directory's store, and the
issuer's first signing key, written into its key folder before any replica starts."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tsunagu.auth import Role
from tsunagu.store import make_client

from .adapters.key_files import SigningKeyFiles
from .credentials import Credentials, NewCredential
from .hosting import client_store
from .keys import SigningKeys
from .settings import IssuerSettings


async def register_first_client(
    *, mongo_url: str, database: str, role: Role = Role.COORDINATOR, agency_id: str | None = None
) -> NewCredential:
    """Register a client in the directory database `database`, bypassing the HTTP API.

    Only whoever can reach the store can do this: the local stack, for its first coordinator.
    """
    client = make_client(mongo_url)
    try:
        clients = client_store(client[database])
        await clients.ensure_indexes()
        return await Credentials(clients=clients).create(role=role, agency_id=agency_id)
    finally:
        await asyncio.wait_for(client.close(), 10)


def ensure_signing_key(keys_dir: Path) -> None:
    """Make the issuer's first signing key in `keys_dir` unless one is kept there, so that
    replicas of the directory started together all load it rather than each making its own."""
    lifetime = IssuerSettings().issuer_token_seconds
    SigningKeys(store=SigningKeyFiles(keys_dir), token_lifetime_seconds=lifetime).load()

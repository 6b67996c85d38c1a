"""The first credential of a network, written straight into the directory's store."""

from __future__ import annotations

import asyncio

from tsunagu.auth import Role
from tsunagu.store import make_client

from .credentials import Credentials, NewCredential
from .hosting import client_store


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

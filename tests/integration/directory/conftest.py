"""The directory service running in-process against the real Kafka and store."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from services.directory.main import create_app
from services.directory.settings import DirectorySettings
from tests.integration.harness import ServiceEnv, running
from tsunagu.store import make_client


@pytest.fixture
def directory_settings(service_env: ServiceEnv) -> DirectorySettings:
    """Settings isolating this test's directory database."""
    return DirectorySettings(**service_env.settings_kwargs("directory"))


@pytest.fixture
async def directory(directory_settings: DirectorySettings) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client to the directory, running for one test; its database is dropped after."""
    async with running(create_app(directory_settings)) as http:
        yield http
    client = make_client(directory_settings.mongo_url)
    try:
        await asyncio.wait_for(client.drop_database(directory_settings.database), 10)
    finally:
        await client.close()


def agency_body(
    name: str = "Kita Food Bank",
    *,
    categories: tuple[str, ...] = ("food",),
    areas: tuple[str, ...] = ("kita",),
    accepting: bool = True,
    **fields: Any,
) -> dict[str, Any]:
    """A valid registration body with one service."""
    service = {
        "name": f"{name} service",
        "categories": list(categories),
        "areas": list(areas),
        "accepting_referrals": accepting,
    }
    return {"name": name, "kind": "npo", "services": [service], **fields}

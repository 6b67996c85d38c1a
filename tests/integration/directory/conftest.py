"""The directory service running in-process against the real Kafka and store."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from services.directory.main import create_app
from services.directory.settings import DirectorySettings
from tests.access import PrincipalAuth, session_issuer
from tests.integration.harness import ServiceEnv, eventually, running
from tsunagu.auth import Role
from tsunagu.store import make_client
from tsunagu_ops.access import ClientCredential


@pytest.fixture
def directory_settings(service_env: ServiceEnv) -> DirectorySettings:
    """Settings isolating this test's directory database."""
    return DirectorySettings(**service_env.settings_kwargs("directory"))


@pytest.fixture
def second_settings(service_env: ServiceEnv) -> DirectorySettings:
    """Settings of a second, empty directory (its own database) for the same test."""
    return DirectorySettings(**service_env.settings_kwargs("directory_second"))


def coordinator() -> PrincipalAuth:
    """Requests as the coordinator unless they name another principal."""
    return PrincipalAuth(session_issuer(), default="coordinator")


@asynccontextmanager
async def dropped_after(settings: DirectorySettings) -> AsyncIterator[None]:
    """Drop the directory's database when the block ends."""
    try:
        yield
    finally:
        client = make_client(settings.mongo_url)
        try:
            await asyncio.wait_for(client.drop_database(settings.database), 10)
        finally:
            await client.close()


@pytest.fixture
async def directory(directory_settings: DirectorySettings) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client to the directory, running for one test; its database is dropped after."""
    async with (
        dropped_after(directory_settings),
        running(create_app(directory_settings), coordinator()) as http,
    ):
        yield http


@pytest.fixture
async def second_directory(second_settings: DirectorySettings) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client to a second directory, empty at the start."""
    async with (
        dropped_after(second_settings),
        running(create_app(second_settings), coordinator()) as http,
    ):
        yield http


@pytest.fixture
async def coordinator_file(tmp_path: Path) -> Path:
    """A coordinator credential of the tests' issuer, saved as `tsunagu up` saves its own."""
    return await save_coordinator(tmp_path / "coordinator.json")


async def save_coordinator(path: Path) -> Path:
    """Register a coordinator with the tests' issuer and save its credential to `path`."""
    issuer = session_issuer()
    new = await issuer.credentials.create(role=Role.COORDINATOR, agency_id=None)
    assert new.client_secret is not None
    ClientCredential(new.client.client_id, new.client_secret, f"{issuer.url}/oauth/token").save(
        path
    )
    return path


@asynccontextmanager
async def serving(settings: DirectorySettings, *, port: int = 0) -> AsyncIterator[str]:
    """Run the directory in-process behind a real HTTP port; yield its base URL."""
    app = create_app(settings)
    async with dropped_after(settings), running(app):
        sock = socket.socket()
        sock.bind(("127.0.0.1", port))
        port = sock.getsockname()[1]
        config = uvicorn.Config(app, lifespan="off", log_config=None, access_log=False)
        server = uvicorn.Server(config)
        task = asyncio.create_task(server.serve(sockets=[sock]))
        try:
            await eventually(lambda: server.started, timeout=10, interval=0.05)
            yield f"http://127.0.0.1:{port}"
        finally:
            server.should_exit = True
            await task
            sock.close()


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

"""The local stack's first credential: a coordinator client, created once and kept on disk."""

from __future__ import annotations

import asyncio
from pathlib import Path

from rich.console import Console

from services.directory import register_first_client
from tsunagu.auth import Role
from tsunagu_ops.access import ClientCredential
from tsunagu_ops.localstack.layout import StackLayout
from tsunagu_ops.localstack.service_parts import directory_url

DIRECTORY_DATABASE = "tsunagu_directory"


def ensure_coordinator(layout: StackLayout, console: Console) -> Path:
    """Register a coordinator client in the directory's store unless one was saved; its file."""
    database = layout.service_settings.get("TSUNAGU_DIRECTORY_DATABASE", DIRECTORY_DATABASE)
    path = layout.coordinator_credential
    if path.exists():
        return path
    new = asyncio.run(
        register_first_client(mongo_url=layout.mongo_url, database=database, role=Role.COORDINATOR)
    )
    assert new.client_secret is not None
    credential = ClientCredential(
        client_id=new.client.client_id,
        client_secret=new.client_secret,
        token_url=f"{directory_url(layout)}/oauth/token",
        role=Role.COORDINATOR.value,
    )
    credential.save(path)
    console.print(f"Created the coordinator's credential: {path} (readable by you only)")
    return path

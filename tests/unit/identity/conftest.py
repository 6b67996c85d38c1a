"""Fixtures of the identity tests: an in-process issuer with one client of each kind."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from services.directory.identity.credentials import NewCredential
from tsunagu.auth import Role

from .issuer import Issuer, running_issuer


@pytest.fixture
async def issuer(tmp_path: Path) -> AsyncIterator[Issuer]:
    """The built-in issuer, keys under a temporary folder."""
    async with running_issuer(tmp_path / "keys") as running:
        yield running


@pytest.fixture
async def agency_client(issuer: Issuer) -> NewCredential:
    """A client secret for agency `ag-kita`, registered for two scopes."""
    return await issuer.credentials.create(
        role=Role.AGENCY, agency_id="ag-kita", scopes=frozenset({"referrals", "inbox"})
    )

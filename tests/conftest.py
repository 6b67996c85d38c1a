"""Shared fixtures of the test suite."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from tests.access import TestIssuer, serving_issuer
from tests.infra import Endpoints, provide_endpoints
from tests.tally import TALLY


@pytest.fixture(scope="session")
def endpoints() -> Iterator[Endpoints]:
    """Kafka and store addresses for the whole session (see ``tests/infra.py``)."""
    with provide_endpoints() as found:
        yield found


@pytest.fixture(scope="session")
async def test_issuer(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[TestIssuer]:
    """A token issuer on a real HTTP port that every in-process service trusts."""
    async with serving_issuer(tmp_path_factory.mktemp("issuer") / "keys") as issuer:
        yield issuer


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print what the tests tallied (see `tests.tally`)."""
    for what, count in sorted(TALLY.items()):
        terminalreporter.write_line(f"{what}: {count:,}")

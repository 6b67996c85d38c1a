"""Shared fixtures of the test suite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.infra import Endpoints, provide_endpoints


@pytest.fixture(scope="session")
def endpoints() -> Iterator[Endpoints]:
    """Kafka and store addresses for the whole session (see ``tests/infra.py``)."""
    with provide_endpoints() as found:
        yield found

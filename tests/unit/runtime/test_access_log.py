"""The services' access log: one line per request, its path without the query string."""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import Iterator

import pytest
import structlog

from tsunagu.logs import configure_logging


@pytest.fixture(autouse=True)
def logging_restored() -> Iterator[None]:
    """Configuring the logs here leaves the rest of the suite's logging as it was."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    access = logging.getLogger("uvicorn.access")
    filters, access_level = list(access.filters), access.level
    config = structlog.get_config()
    yield
    root.handlers[:], access.filters[:] = handlers, filters
    root.setLevel(level)
    access.setLevel(access_level)
    structlog.configure(**config)
    structlog.contextvars.clear_contextvars()


def test_an_access_line_keeps_method_path_and_status_and_drops_the_query(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    configure_logging(service="test", level="INFO")
    access = logging.getLogger("uvicorn.access")
    assert access.isEnabledFor(logging.INFO), "access lines are written"
    # as uvicorn logs it: client, method, path with query, HTTP version, status
    arguments = ("127.0.0.1:5000", "GET", "/v1/referrals?name=Suzuki%20Hanako", "1.1", 200)
    record = access.makeRecord(
        access.name, logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d', arguments, None
    )
    assert access.filter(record)
    assert record.getMessage() == '127.0.0.1:5000 - "GET /v1/referrals HTTP/1.1" 200'
    configure_logging(service="test", level="INFO")
    assert len([f for f in access.filters if type(f).__name__ == "WithoutQuery"]) == 1

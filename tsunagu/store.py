"""MongoDB helpers: the client every service uses, and how its errors are told apart."""

from __future__ import annotations

from typing import Any

from prometheus_client import Counter
from pymongo import AsyncMongoClient, monitoring
from pymongo.errors import BulkWriteError, ConnectionFailure, DuplicateKeyError, OperationFailure

DUPLICATE_KEY = 11000
# Signs of a store that is busy or failing over rather than refusing the request: an SQLite-backed
# store reports a locked database, MongoDB labels retryable errors.
BUSY_MARKERS = ("SQLITE_BUSY", "database is locked")
RETRYABLE_LABELS = ("RetryableWriteError", "TransientTransactionError")


STORE_COMMANDS = Counter(
    "tsunagu_store_commands_total",
    "Commands this process sent to the document store (round trips), by command name",
    ["command"],
)


class CommandCounter(monitoring.CommandListener):
    """Counts every command a client sends, by name (`find`, `insert`, `update`, `getMore`…)."""

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        STORE_COMMANDS.labels(event.command_name).inc()

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        """Nothing more to count."""

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        """Nothing more to count."""


COMMAND_COUNTER = CommandCounter()


def make_client(url: str) -> AsyncMongoClient[dict[str, Any]]:
    """Build a client that fails fast when the store is away, so readiness tells the truth,
    and counts its commands (`tsunagu_store_commands_total` on /metrics)."""
    return AsyncMongoClient(
        url,
        serverSelectionTimeoutMS=3000,
        connectTimeoutMS=3000,
        tz_aware=True,
        event_listeners=[COMMAND_COUNTER],
    )


async def ping(client: AsyncMongoClient[dict[str, Any]]) -> None:
    """Raise when the store does not answer."""
    await client.admin.command("ping")


def is_duplicate(exc: Exception) -> bool:
    """Whether a write failed only because the document was already there."""
    if isinstance(exc, DuplicateKeyError):
        return True
    if isinstance(exc, BulkWriteError):
        errors = exc.details.get("writeErrors", [])
        return bool(errors) and all(e.get("code") == DUPLICATE_KEY for e in errors)
    return False


def is_transient(exc: BaseException) -> bool:
    """Whether a store error is worth retrying: unreachable, busy or failing over."""
    if isinstance(exc, ConnectionFailure):
        return True
    if isinstance(exc, OperationFailure) and not isinstance(exc, DuplicateKeyError):
        if any(exc.has_error_label(label) for label in RETRYABLE_LABELS):
            return True
        return any(marker in str(exc) for marker in BUSY_MARKERS)
    return False

"""Every log line written while an event is consumed names the event: its id, type, subject, trace.

A FastStream middleware binds them for each record a subscriber receives, single or in a batch
(a batch binds its size and first and last event ids; its events are bound one at a time
wherever they are handled one at a time).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import structlog
from aiokafka.structs import ConsumerRecord
from faststream import BaseMiddleware
from faststream.message import StreamMessage

FIELDS = {"ce_id": "event_id", "ce_type": "event_type", "ce_subject": "subject"}
TRACE = "traceparent"


def event_fields(headers: Mapping[str, str]) -> dict[str, str]:
    """The log fields naming one event, read from its CloudEvents headers (those present)."""
    fields = {name: headers[header] for header, name in FIELDS.items() if headers.get(header)}
    if headers.get(TRACE):
        fields["trace"] = headers[TRACE]
    return fields


@contextmanager
def about_event(headers: Mapping[str, str]) -> Iterator[None]:
    """Bind the event's fields to every log line written inside the block."""
    with structlog.contextvars.bound_contextvars(**event_fields(headers)):
        yield


def record_headers(record: ConsumerRecord[Any, Any]) -> dict[str, str]:
    """A consumed record's headers as text."""
    return {name: bytes(value or b"").decode(errors="replace") for name, value in record.headers}


def batch_fields(records: Sequence[ConsumerRecord[Any, Any]]) -> dict[str, Any]:
    """The log fields of a batch: one record's own, or the size and the first and last ids."""
    if len(records) == 1:
        return event_fields(record_headers(records[0]))
    first, last = record_headers(records[0]), record_headers(records[-1])
    return {
        "batch_size": len(records),
        "first_event_id": first.get("ce_id"),
        "last_event_id": last.get("ce_id"),
    }


class EventLogContext(BaseMiddleware):
    """Binds the consumed event's id, type, subject and trace to the log context."""

    async def consume_scope(self, call_next: Any, msg: StreamMessage[Any]) -> Any:
        """Handle the message with its events' fields bound."""
        raw = msg.raw_message
        records = tuple(raw) if isinstance(raw, tuple | list) else (raw,)
        with structlog.contextvars.bound_contextvars(**batch_fields(records)):
            return await call_next(msg)

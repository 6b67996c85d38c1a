"""Audit records: one per event, holding the event's data; each is one leaf of the log's tree."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tsunagu_schemas import catalog

from .canonical import canonical_json, plain_canonical_json, plain_json, rfc3339

AGENCY_FIELDS: Final = ("from_agency_id", "to_agency_id", "actor_agency_id", "agency_id")
ACTOR_FIELDS: Final = {
    **dict.fromkeys(catalog.REFERRAL.types, "actor_agency_id"),
    **dict.fromkeys(catalog.AGENCY.types, "agency_id"),
    **dict.fromkeys(catalog.SUBJECT_VIEW.types, "actor_agency_id"),
}


@dataclass(frozen=True)
class ObservedEvent:
    """An event as the audit log sees it: its CloudEvents attributes and its data."""

    event_id: str
    type: str
    source: str
    subject: str | None
    time: datetime
    topic: str
    data: Mapping[str, Any]


class AuditRecord(BaseModel):
    """One entry of the audit log; its canonical JSON is its leaf in the log's Merkle tree."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    seq: int = Field(ge=1, description="Position in the log, counted from 1 without gaps.")
    event_id: str = Field(min_length=1)
    type: str = Field(min_length=1)
    subject: str | None = Field(default=None, description="The event's aggregate id.")
    actor: str = Field(min_length=1, description="Agency (or source) that caused the event.")
    time: str = Field(description="When the event occurred (RFC 3339, UTC).")
    topic: str = Field(min_length=1)
    referral_id: str | None = None
    agency_ids: list[str] = Field(default_factory=list, description="Agencies in the data.")
    data: dict[str, Any] = Field(description="The event's data (events carry no personal data).")

    @property
    def index(self) -> int:
        """This record's leaf index in the log's tree (seq - 1)."""
        return self.seq - 1

    def leaf(self) -> bytes:
        """The leaf bytes: this record's canonical JSON, exactly its line of a JSON-lines export."""
        return canonical_json(self.model_dump())


class UnreadableRecord(ValueError):
    """Stored or exported fields that do not make an audit record."""


def read_record(fields: Mapping[str, Any]) -> AuditRecord:
    """Rebuild a record from stored or exported fields, raising UnreadableRecord if invalid."""
    try:
        return AuditRecord.model_validate(dict(fields))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "record"
        raise UnreadableRecord(f"unreadable record: {where}: {first['msg']}") from exc


def new_record(event: ObservedEvent, *, seq: int) -> AuditRecord:
    """The record of `event` at position `seq`; its data is kept as plain JSON."""
    return recorded(event, seq=seq)[0]


def recorded(event: ObservedEvent, *, seq: int) -> tuple[AuditRecord, bytes]:
    """The record of `event` at position `seq`, and its leaf bytes, encoded once.

    The data is kept as plain JSON types, as its canonical JSON reads back (times as RFC 3339
    text), so that what is stored, exported and hashed is the same whatever the store does with
    other types; data already in that form (as events arrive) is not converted.
    """
    fields: dict[str, Any] = {
        "seq": seq,
        "event_id": event.event_id,
        "type": event.type,
        "subject": event.subject,
        "actor": actor_of(event),
        "time": rfc3339(event.time),
        "topic": event.topic,
        "referral_id": _text(event.data.get("referral_id")),
        "agency_ids": agency_ids_of(event.data),
        "data": dict(event.data),
    }
    try:
        leaf = plain_canonical_json(fields)
    except (TypeError, ValueError):
        fields["data"] = plain_json(fields["data"])
        leaf = plain_canonical_json(fields)
    return AuditRecord.model_validate(fields), leaf


def actor_of(event: ObservedEvent) -> str:
    """Who caused the event: the acting agency of a referral, the agency itself, or the source."""
    field = ACTOR_FIELDS.get(event.type)
    actor = _text(event.data.get(field)) if field else None
    return actor or event.source


def agency_ids_of(data: Mapping[str, Any]) -> list[str]:
    """Every agency id named in an event's data, sorted and without repeats."""
    found = {data.get(field) for field in AGENCY_FIELDS}
    parties = data.get("parties")
    if isinstance(parties, list):
        found.update(parties)
    return sorted(a for a in found if isinstance(a, str) and a)


def _text(value: object) -> str | None:
    """A non-empty string, or None."""
    return value if isinstance(value, str) and value else None

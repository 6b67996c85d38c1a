"""Audit records: one per event, each chained to the one before it by its hash."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tsunagu_schemas import catalog

from .canonical import digest, rfc3339

GENESIS_HASH: Final = "0" * 64
AGENCY_FIELDS: Final = ("from_agency_id", "to_agency_id", "actor_agency_id", "agency_id")
HEX64 = r"^[0-9a-f]{64}$"
ACTOR_FIELDS: Final = {
    **dict.fromkeys(catalog.REFERRAL.types, "actor_agency_id"),
    **dict.fromkeys(catalog.AGENCY.types, "agency_id"),
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


@dataclass(frozen=True)
class ChainHead:
    """The last record of the chain: the next record links to its hash."""

    seq: int
    hash: str


GENESIS: Final = ChainHead(seq=0, hash=GENESIS_HASH)


class AuditRecord(BaseModel):
    """One entry of the audit log; `hash` covers every other field."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    seq: int = Field(ge=1, description="Position in the chain, counted from 1 without gaps.")
    event_id: str = Field(min_length=1)
    type: str = Field(min_length=1)
    subject: str | None = Field(default=None, description="The event's aggregate id.")
    actor: str = Field(min_length=1, description="Agency (or source) that caused the event.")
    time: str = Field(description="When the event occurred (RFC 3339, UTC).")
    topic: str = Field(min_length=1)
    referral_id: str | None = None
    agency_ids: list[str] = Field(default_factory=list, description="Agencies in the data.")
    data_digest: str = Field(pattern=HEX64, description="SHA-256 of the data's canonical JSON.")
    prev_hash: str = Field(pattern=HEX64, description="Hash of the previous record.")
    hash: str = Field(pattern=HEX64, description="SHA-256 of this record's other fields.")

    def expected_hash(self) -> str:
        """The hash this record must carry, recomputed from its other fields."""
        return record_hash(self.model_dump(exclude={"hash"}))

    @property
    def head(self) -> ChainHead:
        """This record as the head of the chain."""
        return ChainHead(seq=self.seq, hash=self.hash)


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


def record_hash(fields: Mapping[str, Any]) -> str:
    """SHA-256 hex over the canonical JSON of a record's fields other than its hash."""
    return digest({k: v for k, v in fields.items() if k != "hash"})


def next_record(event: ObservedEvent, *, head: ChainHead) -> AuditRecord:
    """The record that appends `event` to a chain ending at `head`."""
    fields: dict[str, Any] = {
        "seq": head.seq + 1,
        "event_id": event.event_id,
        "type": event.type,
        "subject": event.subject,
        "actor": actor_of(event),
        "time": rfc3339(event.time),
        "topic": event.topic,
        "referral_id": _text(event.data.get("referral_id")),
        "agency_ids": agency_ids_of(event.data),
        "data_digest": digest(dict(event.data)),
        "prev_hash": head.hash,
    }
    return AuditRecord(**fields, hash=record_hash(fields))


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

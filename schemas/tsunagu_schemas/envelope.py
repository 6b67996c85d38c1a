"""CloudEvents 1.0 attributes in Kafka binary content mode.

The Kafka value is the event's `data` as JSON; the attributes travel as `ce_*` headers.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Final

from pydantic import BaseModel, ConfigDict, Field

SPEC_VERSION: Final = "1.0"
CONTENT_TYPE: Final = "application/json"
HEADER_PREFIX: Final = "ce_"
TRACEPARENT: Final = "traceparent"


class EnvelopeError(ValueError):
    """Raised when Kafka headers do not carry a valid CloudEvent."""


class CloudEventAttributes(BaseModel):
    """The context attributes of one CloudEvent (everything but its data)."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(min_length=1, description="Unique event id; consumers dedupe on it.")
    source: str = Field(min_length=1, description="URI-reference of the emitting service.")
    type: str = Field(min_length=1, description="Dotted, past-tense event type.")
    time: datetime = Field(description="When the occurrence happened (RFC 3339, UTC).")
    subject: str | None = Field(default=None, description="Aggregate id: referral or agency.")
    dataschema: str | None = Field(default=None, description="URI of the data's JSON Schema.")
    specversion: str = SPEC_VERSION
    traceparent: str | None = Field(default=None, description="W3C trace context.")

    def to_headers(self) -> dict[str, str]:
        """Encode the attributes as Kafka headers (binary content mode)."""
        headers = {
            "ce_specversion": self.specversion,
            "ce_id": self.id,
            "ce_source": self.source,
            "ce_type": self.type,
            "ce_time": format_time(self.time),
            "content-type": CONTENT_TYPE,
        }
        if self.subject is not None:
            headers["ce_subject"] = self.subject
        if self.dataschema is not None:
            headers["ce_dataschema"] = self.dataschema
        if self.traceparent is not None:
            headers[TRACEPARENT] = self.traceparent
        return headers

    @classmethod
    def from_headers(cls, headers: dict[str, str]) -> CloudEventAttributes:
        """Decode the attributes from Kafka headers, raising EnvelopeError when invalid."""
        if headers.get("ce_specversion") != SPEC_VERSION:
            raise EnvelopeError(f"ce_specversion must be {SPEC_VERSION!r}")
        missing = [h for h in ("ce_id", "ce_source", "ce_type", "ce_time") if not headers.get(h)]
        if missing:
            raise EnvelopeError(f"missing CloudEvents headers: {', '.join(missing)}")
        try:
            return cls(
                id=headers["ce_id"],
                source=headers["ce_source"],
                type=headers["ce_type"],
                time=datetime.fromisoformat(headers["ce_time"].replace("Z", "+00:00")),
                subject=headers.get("ce_subject"),
                dataschema=headers.get("ce_dataschema"),
                traceparent=headers.get(TRACEPARENT),
            )
        except ValueError as exc:
            raise EnvelopeError(f"invalid CloudEvents headers: {exc}") from exc


def format_time(moment: datetime) -> str:
    """Format a time as RFC 3339 in UTC with a trailing Z."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")

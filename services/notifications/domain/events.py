"""The referral event being notified, as the domain sees it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tsunagu_schemas import ReferralEventData


@dataclass(frozen=True)
class SourceEvent:
    """One referral event with its CloudEvents attributes, to be passed on to agencies."""

    id: str
    source: str
    type: str
    time: datetime
    subject: str | None
    dataschema: str | None
    traceparent: str | None
    data: dict[str, Any]

    @property
    def referral(self) -> ReferralEventData:
        """The event's data, validated as a referral event."""
        return ReferralEventData.model_validate(self.data)

    @property
    def referral_id(self) -> str | None:
        """The referral the event is about, when it names one."""
        value = self.data.get("referral_id")
        return str(value) if value is not None else self.subject

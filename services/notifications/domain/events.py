"""The referral event being notified, as the domain sees it."""

from __future__ import annotations

from dataclasses import dataclass, replace
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

    def for_recipient(self, agency_id: str) -> SourceEvent:
        """The copy passed on to one agency: of the referral's parties it names only the
        agencies of the current leg and the recipient itself, so no agency learns from an event
        which others held the person before or follow them now."""
        data = dict(self.data)
        if "parties" in data:
            shown = {data.get("from_agency_id"), data.get("to_agency_id"), agency_id}
            data["parties"] = [party for party in data["parties"] if party in shown]
        data.pop("audience", None)
        return replace(self, data=data)

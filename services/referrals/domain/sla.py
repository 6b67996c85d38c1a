"""How long an asked agency has to accept, per urgency: support must not silently stop."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tsunagu_schemas import Urgency


@dataclass(frozen=True)
class SlaPolicy:
    """The time an asked agency has to accept a leg, by the referral's urgency."""

    emergency: timedelta = timedelta(hours=1)
    urgent: timedelta = timedelta(days=1)
    routine: timedelta = timedelta(days=3)

    def accept_by(self, urgency: Urgency, *, requested_at: datetime) -> datetime:
        """The deadline of a leg requested at `requested_at`."""
        window = {
            Urgency.EMERGENCY: self.emergency,
            Urgency.URGENT: self.urgent,
            Urgency.ROUTINE: self.routine,
        }[urgency]
        return requested_at + window


DEFAULT_SLA = SlaPolicy()

"""What auditors may search the log by."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class RecordQuery:
    """Filters over audit records; every given filter must match (times: since ≤ t < until)."""

    referral_id: str | None = None
    agency_id: str | None = None
    type: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    after_seq: int = 0

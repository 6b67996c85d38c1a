"""Times as the referrals' adapters read them: from requests and from stored documents."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import overload

from tsunagu.web import Problem


def as_utc(moment: datetime) -> datetime:
    """The moment with its offset; a naive one is read as UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@overload
def stored_moment(value: datetime | str) -> datetime: ...
@overload
def stored_moment(value: None) -> None: ...
def stored_moment(value: datetime | str | None) -> datetime | None:
    """A stored time (a datetime, naive UTC, or ISO text as JSON-shaped fields hold it)."""
    if value is None:
        return None
    return as_utc(datetime.fromisoformat(value) if isinstance(value, str) else value)


def checked_period(since: datetime, until: datetime) -> tuple[datetime, datetime]:
    """The period [since, until) in UTC; 422 when it ends before it starts."""
    start, end = as_utc(since), as_utc(until)
    if end <= start:
        raise Problem(422, "`until` must be after `since`", kind="invalid-period")
    return start, end

"""Bounded path and query parameters: every id in a URL has its format, every text a limit,
every number a range the store can hold. A value outside them is answered 422 before any handler
runs."""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import Path, Query

from tsunagu_schemas.bounds import AGENCY_ID_PATTERN, CODE_PATTERN, REFERRAL_ID_PATTERN

MAX_POSITION: Final = 2**63 - 1
"""The largest position, index or size a URL may name (a 64-bit signed integer, as stored)."""
MAX_CURSOR: Final = 512

AgencyIdPath = Annotated[
    str, Path(pattern=AGENCY_ID_PATTERN, max_length=16, description="`agc_` and 12 hex digits.")
]
ReferralIdPath = Annotated[
    str, Path(pattern=REFERRAL_ID_PATTERN, max_length=44, description="`ref_` and hex digits.")
]
IdPath = Annotated[str, Path(min_length=1, max_length=64)]
"""Any other id in a path (a location, a notification, a client), or an agency id where the
service only looks up what events told it (an inbox)."""
PositionPath = Annotated[int, Path(ge=0, le=MAX_POSITION)]

AgencyIdQuery = Annotated[str | None, Query(pattern=AGENCY_ID_PATTERN, max_length=16)]
IdQuery = Annotated[str | None, Query(min_length=1, max_length=64)]
"""An id to filter on, as events carry it (the audit log's filters)."""
CodeQuery = Annotated[str | None, Query(pattern=CODE_PATTERN, max_length=64)]
Cursor = Annotated[
    str | None, Query(max_length=MAX_CURSOR, description="`next_cursor` of the last page.")
]
RequiredAgencyIdQuery = Annotated[str, Query(pattern=AGENCY_ID_PATTERN, max_length=16)]

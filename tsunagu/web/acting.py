"""Who is acting: the agency a verified access token speaks for."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from tsunagu.web.bearer import Caller

from .problems import Problem


async def acting_agency(caller: Caller) -> str:
    """The id of the agency the caller's token acts for; 403 for any other role."""
    if caller.agency_id is None:
        raise Problem(403, "only an agency may do this", kind="forbidden")
    return caller.agency_id


ActingAgency = Annotated[str, Depends(acting_agency)]

__all__ = ["ActingAgency", "Caller"]

"""Who is acting: until authentication exists, the agency names itself in a header.

This module is the one place to change when authentication replaces the header.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header

from .problems import Problem

HEADER = "X-Tsunagu-Agency"


async def acting_agency(
    x_tsunagu_agency: Annotated[
        str | None, Header(description="Id of the agency making the request.")
    ] = None,
) -> str:
    """Return the acting agency's id, or answer 401 when the request names none."""
    if not x_tsunagu_agency:
        raise Problem(
            401, f"the {HEADER} header must name the acting agency", kind="unauthenticated"
        )
    return x_tsunagu_agency


ActingAgency = Annotated[str, Depends(acting_agency)]

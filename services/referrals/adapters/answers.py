"""What every referral route shares: the ports, and answering with a view and its ETag."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Response

from tsunagu.web import ports_of

from ..domain import Referral
from ..ports import Ports
from .bodies import ReferralView

PortsDep = Annotated[Ports, Depends(ports_of)]


def answer(referral: Referral, response: Response) -> ReferralView:
    """The view of a referral, with its version as the ETag."""
    response.headers["ETag"] = f'"{referral.version}"'
    return ReferralView.of(referral)

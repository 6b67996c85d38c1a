"""What every referral route shares: the ports, and answering with a view and its ETag."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Response

from tsunagu.web import ports_of

from ..ports import Ports
from ..use_cases import Shown
from .views import ReferralView

PortsDep = Annotated[Ports, Depends(ports_of)]


def answer(shown: Shown, response: Response) -> ReferralView:
    """The view of a referral the reading policy allows, with its version as the ETag."""
    response.headers["ETag"] = f'"{shown.referral.version}"'
    return ReferralView.of(shown.referral, shown.seen)

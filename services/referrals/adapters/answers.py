"""What every referral route shares: ports, trace context, If-Match, ETag, problem answers."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, Header, Request, Response

from tsunagu.web import Problem

from .. import use_cases
from ..domain import ActorNotPermitted, Referral, ReferralRefused, TransitionNotAllowed
from ..ports import Ports
from .bodies import ReferralView

TRACEPARENT = re.compile(r"^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$")


def ports_of(request: Request) -> Ports:
    """The use cases' ports, built by the composition root."""
    ports: Ports = request.app.state.ports
    return ports


def _traceparent(traceparent: Annotated[str | None, Header()] = None) -> str | None:
    """The caller's W3C trace context, when well-formed, so events join its trace."""
    return traceparent if traceparent and TRACEPARENT.match(traceparent) else None


PortsDep = Annotated[Ports, Depends(ports_of)]
TraceDep = Annotated[str | None, Depends(_traceparent)]
IfMatch = Annotated[
    str | None, Header(description='The version last seen, as returned in ETag: "3".')
]


def version_in(raw: str | None) -> int | None:
    """The version an If-Match names; an unreadable one can never match (412)."""
    if raw is None or raw.strip() == "*":
        return None
    try:
        return int(raw.strip().removeprefix("W/").strip('"'))
    except ValueError:
        return -1


@asynccontextmanager
async def answering() -> AsyncIterator[None]:
    """Turn the domain's and the use cases' refusals into problem+json answers."""
    try:
        yield
    except TransitionNotAllowed as exc:
        raise Problem(409, str(exc), kind="transition-not-allowed", allowed=exc.allowed) from exc
    except ActorNotPermitted as exc:
        raise Problem(
            403, str(exc), kind="not-permitted", may_act=exc.role, agency_id=exc.agency_id
        ) from exc
    except ReferralRefused as exc:
        error = {"field": exc.field, "message": exc.reason, "type": "refused"}
        raise Problem(422, str(exc), kind="referral-refused", errors=[error]) from exc
    except use_cases.ReferralNotFound as exc:
        raise Problem(404, f"no referral {exc} for this agency", kind="not-found") from exc
    except use_cases.PreconditionFailed as exc:
        raise Problem(412, str(exc), kind="precondition-failed") from exc
    except use_cases.ConcurrentUpdate as exc:
        raise Problem(409, str(exc), kind="conflict") from exc


def answer(referral: Referral, response: Response) -> ReferralView:
    """The view of a referral, with its version as the ETag."""
    response.headers["ETag"] = f'"{referral.version}"'
    return ReferralView.of(referral)

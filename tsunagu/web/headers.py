"""The request headers every service reads the same way: If-Match and W3C trace context."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Depends, Header

from .problems import Problem

TRACEPARENT = re.compile(r"[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}")
VERSION_TAG = re.compile(r'(?:W/)?"?([0-9]{1,18})"?')
"""An ETag naming a version: ASCII digits, few enough for a 64-bit integer."""


def expected_version(if_match: str | None) -> int | None:
    """The version an If-Match header names; None for no header or `*`; 400 if unreadable."""
    if if_match is None or if_match.strip() == "*":
        return None
    tag = VERSION_TAG.fullmatch(if_match.strip())
    if tag is None:
        raise Problem(400, 'If-Match must be a version ETag such as "3"', kind="bad-if-match")
    return int(tag.group(1))


def required_version(if_match: str | None) -> int:
    """The version an If-Match header names; 428 without one (or with `*`), 400 if unreadable."""
    version = expected_version(if_match)
    if version is None:
        raise Problem(
            428,
            'this change needs If-Match with the version last read (its ETag, e.g. "3")',
            kind="if-match-required",
        )
    return version


def continued_trace(traceparent: str | None) -> str | None:
    """The caller's W3C trace context if well formed; None starts a new trace."""
    if traceparent is not None and TRACEPARENT.fullmatch(traceparent.strip()):
        return traceparent.strip()
    return None


async def _if_match(
    if_match: Annotated[
        str | None,
        Header(alias="If-Match", description='The version last seen, as its ETag (e.g. "3").'),
    ] = None,
) -> int | None:
    return expected_version(if_match)


async def _required_if_match(
    if_match: Annotated[
        str,
        Header(alias="If-Match", description='The version last read, as its ETag (e.g. "3").'),
    ] = "",
) -> int:
    return required_version(if_match or None)


async def _traceparent(
    traceparent: Annotated[
        str | None, Header(alias="traceparent", description="W3C trace context to continue.")
    ] = None,
) -> str | None:
    return continued_trace(traceparent)


ExpectedVersion = Annotated[int | None, Depends(_if_match)]
"""The version a change is made over (If-Match), or None for any."""
RequiredVersion = Annotated[int, Depends(_required_if_match)]
"""The version a change is made over (If-Match), which the route requires (428 without)."""
Trace = Annotated[str | None, Depends(_traceparent)]
"""The trace the request's events join, or None to start one."""

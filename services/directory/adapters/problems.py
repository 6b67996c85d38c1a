"""How the directory's HTTP API answers domain errors: RFC 9457 problems."""

from __future__ import annotations

from tsunagu.web import Problem, ProblemMap

from ..domain import (
    AgencyExists,
    AgencyInactive,
    AgencyNotFound,
    ConcurrentUpdate,
    DirectoryError,
    InvalidDocument,
    LocationNotFound,
    UnknownCodes,
    VersionMismatch,
    WebhookRefused,
)


def problem_of(exc: DirectoryError) -> Problem:
    """The HTTP answer to a domain error."""
    if isinstance(exc, UnknownCodes):
        errors = [
            {
                "field": u.field if u.field.startswith("query.") else f"body.{u.field}",
                "message": f"unknown {u.kind} code {u.code!r}",
                "type": "unknown_code",
            }
            for u in exc.unknown
        ]
        return Problem(422, str(exc), kind="unknown-code", title="Unknown code", errors=errors)
    if isinstance(exc, InvalidDocument):
        return _invalid_document(exc)
    if isinstance(exc, WebhookRefused):
        error = {"field": "body.delivery.webhook_url", "message": str(exc), "type": "webhook"}
        return Problem(422, str(exc), kind="webhook-refused", errors=[error])
    if isinstance(exc, AgencyNotFound):
        return Problem(404, str(exc), kind="agency-not-found")
    if isinstance(exc, LocationNotFound):
        return Problem(404, str(exc), kind="location-not-found")
    if isinstance(exc, AgencyExists):
        return Problem(409, str(exc), kind="agency-exists")
    if isinstance(exc, VersionMismatch):
        return Problem(412, str(exc), kind="stale-version", current_version=exc.current)
    if isinstance(exc, ConcurrentUpdate):
        return Problem(409, str(exc), kind="concurrent-update")
    if isinstance(exc, AgencyInactive):
        return Problem(409, str(exc), kind="agency-inactive")
    return Problem(400, str(exc), kind="directory-error")


def _invalid_document(exc: InvalidDocument) -> Problem:
    errors = [
        {"field": f"body.{path}", "message": message, "type": "hsds_schema"}
        for path, message in exc.problems
    ]
    return Problem(422, str(exc), kind="invalid-hsds", title="Invalid HSDS", errors=errors)


PROBLEMS: ProblemMap = {DirectoryError: problem_of}

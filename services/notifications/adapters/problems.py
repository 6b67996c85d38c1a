"""How the notifications API answers the use cases' refusals: problem+json."""

from __future__ import annotations

from services.notifications.ports import InvalidCursor
from services.notifications.use_cases import NotificationNotFound, RotationConflict
from tsunagu.web import Problem, ProblemMap


def _invalid_cursor(exc: InvalidCursor) -> Problem:
    return Problem(
        422,
        "invalid request: query.cursor",
        kind="validation-error",
        errors=[{"field": "query.cursor", "message": "unknown cursor", "type": "value"}],
    )


def _not_found(exc: NotificationNotFound) -> Problem:
    return Problem(404, f"no notification {exc} in this inbox")


def _rotation_conflict(exc: RotationConflict) -> Problem:
    return Problem(409, f"the webhook secret of {exc} changed meanwhile; try again")


PROBLEMS: ProblemMap = {
    InvalidCursor: _invalid_cursor,
    NotificationNotFound: _not_found,
    RotationConflict: _rotation_conflict,
}

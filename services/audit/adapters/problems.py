"""How the audit API answers an unreadable stored record: problem+json."""

from __future__ import annotations

from services.audit.domain import UnreadableRecord
from tsunagu.web import Problem, ProblemMap


def _corrupt(exc: UnreadableRecord) -> Problem:
    return Problem(500, str(exc), kind="corrupt-record")


PROBLEMS: ProblemMap = {UnreadableRecord: _corrupt}

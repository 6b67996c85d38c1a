"""How the audit API answers its domain's errors: problem+json."""

from __future__ import annotations

from services.audit.domain import MalformedCheckpoint, UnreadableRecord
from services.audit.domain.signed_note import MalformedNote, NoteRejected
from services.audit.use_cases import (
    NoSuchLeaf,
    NoWitnessCosignature,
    TreeUnavailable,
    UnknownCheckpoint,
)
from tsunagu.web import Problem, ProblemMap

PROBLEMS: ProblemMap = {
    UnreadableRecord: lambda exc: Problem(500, str(exc), kind="corrupt-record"),
    TreeUnavailable: lambda exc: Problem(400, str(exc), kind="no-such-proof"),
    NoSuchLeaf: lambda exc: Problem(404, str(exc), kind="no-such-leaf"),
    UnknownCheckpoint: lambda exc: Problem(404, str(exc), kind="unknown-checkpoint"),
    NoWitnessCosignature: lambda exc: Problem(403, str(exc), kind="unknown-witness"),
    MalformedNote: lambda exc: Problem(422, str(exc), kind="malformed-note"),
    MalformedCheckpoint: lambda exc: Problem(422, str(exc), kind="malformed-checkpoint"),
    NoteRejected: lambda exc: Problem(422, str(exc), kind="rejected-note"),
}

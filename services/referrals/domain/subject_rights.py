"""The person's rights over their data in a referral: to have it corrected, and its use stopped.

Erasure removes every personal field (the subject, the note, comments, basis references) and
records when, by whom and why; the legs, their agencies, statuses and bases stay, so the
referral's history and the audit log keep making sense. A correction replaces the fields
given and keeps no former value.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tsunagu_schemas import ErasureReason
from tsunagu_schemas import referral as types
from tsunagu_schemas.bounds import MAX_ITEMS, Code, Language, LongText, Name, ShortText

from .errors import ReferralRefused, TransitionNotAllowed
from .events import ReferralEvent
from .referral import Referral
from .subject import Erasure, Subject

DEFAULT_RETENTION: Final = timedelta(days=3 * 365)
"""How long the person's data of an ended referral is kept (reasons in docs/design.md)."""


class SubjectFields(BaseModel):
    """Fields of the person to replace; a field not sent stays as it is, `null` clears it."""

    model_config = ConfigDict(extra="forbid")

    display_name: Name | None = None
    contact: ShortText | None = None
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    languages: list[Language] | None = Field(default=None, max_length=MAX_ITEMS)
    area: Code | None = None


class SubjectCorrection(BaseModel):
    """What the person asked to have corrected: fields of the subject, and the note."""

    model_config = ConfigDict(extra="forbid")

    subject: SubjectFields | None = None
    note: LongText | None = None


def erase_subject(
    referral: Referral, *, actor: str, reason: ErasureReason, now: datetime
) -> ReferralEvent | None:
    """Remove the person's data from the referral; None when it was erased already."""
    if referral.erasure is not None:
        return None
    referral.subject = referral.note = referral.outcome_comment = None
    referral.basis = referral.basis.model_copy(update={"reference": None})
    for leg in referral.legs:
        leg.comment = None
        leg.basis = leg.basis.model_copy(update={"reference": None})
    referral.erasure = Erasure(at=now, by=actor, reason=reason)
    return referral.changed(types.REFERRAL_SUBJECT_ERASED, actor=actor, now=now, reason=reason)


def correct_subject(
    referral: Referral, *, actor: str, correction: SubjectCorrection, now: datetime
) -> ReferralEvent | None:
    """Replace the fields given; None when none of them differs from what is held."""
    if referral.erasure is not None or referral.subject is None:
        raise TransitionNotAllowed(
            action="correct the person's data of", status="erased", allowed=[]
        )
    changed: list[str] = []
    if correction.subject is not None:
        given = correction.subject.model_dump(exclude_unset=True)
        held = referral.subject.model_dump()
        changed = [f"subject.{name}" for name, value in given.items() if held[name] != value]
        referral.subject = _subject(held | given)
    if "note" in correction.model_fields_set and correction.note != referral.note:
        referral.note = correction.note
        changed.append("note")
    if not changed:
        return None
    event = referral.changed(types.REFERRAL_SUBJECT_CORRECTED, actor=actor, now=now)
    data = event.data.model_copy(update={"corrected_fields": changed})
    return ReferralEvent(event.type, data)


def _subject(fields: dict[str, Any]) -> Subject:
    """The corrected subject, or ReferralRefused naming the field that cannot be so."""
    try:
        return Subject.model_validate(fields)
    except ValidationError as exc:
        where = ".".join(str(p) for p in exc.errors()[0]["loc"])
        raise ReferralRefused(exc.errors()[0]["msg"], field=f"subject.{where}") from exc

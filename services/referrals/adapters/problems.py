"""How the referrals API answers the domain's and the use cases' refusals: problem+json."""

from __future__ import annotations

from tsunagu.web import Problem, ProblemMap

from .. import use_cases
from ..domain import (
    ActorNotPermitted,
    AgencyInactive,
    ReferralRefused,
    SubjectHidden,
    TransitionNotAllowed,
)


def _not_allowed(exc: TransitionNotAllowed) -> Problem:
    return Problem(409, str(exc), kind="transition-not-allowed", allowed=exc.allowed)


def _not_permitted(exc: ActorNotPermitted) -> Problem:
    # The agency that may act is not named: the caller may no longer be covered.
    return Problem(403, str(exc), kind="not-permitted", may_act=exc.role)


def _inactive(exc: AgencyInactive) -> Problem:
    return Problem(403, str(exc), kind="agency-inactive")


def _subject_hidden(exc: SubjectHidden) -> Problem:
    return Problem(403, str(exc), kind="subject-not-visible", reason=exc.reason)


def _refused(exc: ReferralRefused) -> Problem:
    error = {"field": exc.field, "message": exc.reason, "type": "refused"}
    return Problem(422, str(exc), kind="referral-refused", errors=[error])


def _not_found(exc: use_cases.ReferralNotFound) -> Problem:
    return Problem(404, f"no referral {exc} for this agency", kind="not-found")


def _precondition_failed(exc: use_cases.PreconditionFailed) -> Problem:
    return Problem(412, str(exc), kind="precondition-failed")


def _concurrent(exc: use_cases.ConcurrentUpdate) -> Problem:
    return Problem(409, str(exc), kind="conflict")


PROBLEMS: ProblemMap = {
    TransitionNotAllowed: _not_allowed,
    ActorNotPermitted: _not_permitted,
    AgencyInactive: _inactive,
    ReferralRefused: _refused,
    SubjectHidden: _subject_hidden,
    use_cases.ReferralNotFound: _not_found,
    use_cases.PreconditionFailed: _precondition_failed,
    use_cases.ConcurrentUpdate: _concurrent,
}

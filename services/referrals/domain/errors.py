"""What the domain refuses, in its own words; the edges map these to HTTP answers."""

from __future__ import annotations


class ReferralError(Exception):
    """Base of every refusal the referral domain raises."""


class TransitionNotAllowed(ReferralError):
    """The action is not possible in the referral's current status."""

    def __init__(self, *, action: str, status: str, allowed: list[str]) -> None:
        shown = ", ".join(allowed) or "none (the referral is finished)"
        super().__init__(f"cannot {action} a referral that is {status}; allowed now: {shown}")
        self.action = action
        self.status = status
        self.allowed = allowed


class ActorNotPermitted(ReferralError):
    """The action is possible now, but only for another agency.

    Its message names the role, never the agency: the caller may be a party the referral has
    moved away from (a decliner, an earlier holder), who must not learn who holds it now."""

    def __init__(self, *, action: str, role: str, agency_id: str) -> None:
        super().__init__(f"only the {role} agency may {action} this referral")
        self.action = action
        self.role = role
        self.agency_id = agency_id


class AgencyInactive(ReferralError):
    """The acting agency has been deactivated in the directory: it may no longer act, even
    with a token issued before (a token lives for minutes)."""

    def __init__(self) -> None:
        super().__init__("your agency is no longer active in the directory; it may not act")


class ReferralRefused(ReferralError):
    """The request is well-formed but breaks a rule: no valid target or legal basis."""

    def __init__(self, reason: str, *, field: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.field = field


class SubjectHidden(ReferralError):
    """The agency is party to the referral but may no longer see the person's data."""

    def __init__(self, *, referral_id: str, reason: str) -> None:
        super().__init__(f"the person's data of referral {referral_id} is not shown to you")
        self.referral_id = referral_id
        self.reason = reason

"""The referral domain: states, rules and the events they produce; no I/O here."""

from .agency import Agency, check_target
from .basis import BasisKind, GivenBy, LegalBasis, check_basis
from .errors import ActorNotPermitted, ReferralError, ReferralRefused, TransitionNotAllowed
from .events import ReferralEvent
from .leg import Leg
from .lifecycle import RULES, Action, Role, Rule, allowed_actions, rule_for
from .opening import new_referral_id, open_referral
from .referral import Referral
from .requests import Handoff, NewReferral
from .subject import Subject

__all__ = [
    "RULES",
    "Action",
    "ActorNotPermitted",
    "Agency",
    "BasisKind",
    "GivenBy",
    "Handoff",
    "Leg",
    "LegalBasis",
    "NewReferral",
    "Referral",
    "ReferralError",
    "ReferralEvent",
    "ReferralRefused",
    "Role",
    "Rule",
    "Subject",
    "TransitionNotAllowed",
    "allowed_actions",
    "check_basis",
    "check_target",
    "new_referral_id",
    "open_referral",
    "rule_for",
]

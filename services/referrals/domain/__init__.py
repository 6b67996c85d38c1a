"""The referral domain: states, rules and the events they produce; no I/O here."""

from .agency import Agency, check_target
from .basis import BasisKind, GivenBy, LegalBasis, check_basis
from .disclosure import Direction, ProvisionRecord, disclosures_of, provision_records
from .errors import (
    ActorNotPermitted,
    AgencyInactive,
    ReferralError,
    ReferralRefused,
    SubjectHidden,
    TransitionNotAllowed,
)
from .events import ReferralEvent
from .leg import Leg
from .lifecycle import RULES, Action, Role, Rule, allowed_actions, rule_for
from .opening import new_referral_id, open_referral
from .referral import AFTER_ERASURE, SYSTEM_ACTOR, Referral
from .requests import Handoff, NewReferral
from .sla import DEFAULT_SLA, SlaPolicy
from .subject import Erasure, Subject
from .subject_rights import (
    DEFAULT_RETENTION,
    SubjectCorrection,
    SubjectFields,
    correct_subject,
    erase_subject,
)
from .subject_views import READ_ROUTE, SubjectView, subject_view
from .visibility import (
    HiddenReason,
    Standing,
    Visibility,
    covers,
    for_the_persons_rights,
    standing_of,
    visibility,
)

__all__ = [
    "AFTER_ERASURE",
    "DEFAULT_RETENTION",
    "DEFAULT_SLA",
    "READ_ROUTE",
    "RULES",
    "SYSTEM_ACTOR",
    "Action",
    "ActorNotPermitted",
    "Agency",
    "AgencyInactive",
    "BasisKind",
    "Direction",
    "Erasure",
    "GivenBy",
    "Handoff",
    "HiddenReason",
    "Leg",
    "LegalBasis",
    "NewReferral",
    "ProvisionRecord",
    "Referral",
    "ReferralError",
    "ReferralEvent",
    "ReferralRefused",
    "Role",
    "Rule",
    "SlaPolicy",
    "Standing",
    "Subject",
    "SubjectCorrection",
    "SubjectFields",
    "SubjectHidden",
    "SubjectView",
    "TransitionNotAllowed",
    "Visibility",
    "allowed_actions",
    "check_basis",
    "check_target",
    "correct_subject",
    "covers",
    "disclosures_of",
    "erase_subject",
    "for_the_persons_rights",
    "new_referral_id",
    "open_referral",
    "provision_records",
    "rule_for",
    "standing_of",
    "subject_view",
    "visibility",
]

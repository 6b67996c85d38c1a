"""The referrals use cases: each an async function of the service's ports (load, decide, save)."""

from .creation import create_referral_once
from .households import RelatedReferral, link_household, related_referrals
from .provision import AgencyRecord, provision_record
from .reading import Shown, access_log, list_shown, may_see_subject, read_referral, shown_to
from .referrals import (
    ConcurrentUpdate,
    PreconditionFailed,
    ReferralNotFound,
    Request,
    accept_referral,
    apply_agency_event,
    cancel_referral,
    close_referral,
    create_referral,
    decline_referral,
    hand_off_referral,
    list_referrals,
    view_referral,
)
from .retention import sweep_retention
from .sla_watch import flag_overdue
from .stats import network_statistics, overdue
from .subject_rights import (
    Disclosure,
    SubjectRequest,
    correct_subject_data,
    disclose_subject_data,
    erase_subject_data,
    subject_referral,
)

__all__ = [
    "AgencyRecord",
    "ConcurrentUpdate",
    "Disclosure",
    "PreconditionFailed",
    "ReferralNotFound",
    "RelatedReferral",
    "Request",
    "Shown",
    "SubjectRequest",
    "accept_referral",
    "access_log",
    "apply_agency_event",
    "cancel_referral",
    "close_referral",
    "correct_subject_data",
    "create_referral",
    "create_referral_once",
    "decline_referral",
    "disclose_subject_data",
    "erase_subject_data",
    "flag_overdue",
    "hand_off_referral",
    "link_household",
    "list_referrals",
    "list_shown",
    "may_see_subject",
    "network_statistics",
    "overdue",
    "provision_record",
    "read_referral",
    "related_referrals",
    "shown_to",
    "subject_referral",
    "sweep_retention",
    "view_referral",
]

"""The referrals use cases: each an async function of the service's ports (load, decide, save)."""

from .creation import create_referral_once
from .households import RelatedReferral, link_household, related_referrals
from .provision import provision_record
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
from .sla_watch import flag_overdue

__all__ = [
    "ConcurrentUpdate",
    "PreconditionFailed",
    "ReferralNotFound",
    "RelatedReferral",
    "Request",
    "accept_referral",
    "apply_agency_event",
    "cancel_referral",
    "close_referral",
    "create_referral",
    "create_referral_once",
    "decline_referral",
    "flag_overdue",
    "hand_off_referral",
    "link_household",
    "list_referrals",
    "provision_record",
    "related_referrals",
    "view_referral",
]

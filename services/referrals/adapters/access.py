"""Who may call each route of referrals (see the table in docs/api.md).

Only agencies read or change referrals, which hold a person's data; which referral an agency
may see is decided by the use cases (404 for one it is not party to, so existence never leaks),
and what it may see of it by the reading policy (`domain/visibility.py`; the access log of a
referral only its holder).
The art. 29 provision record holds no person's data: its agency, or an auditor, reads it.
The person's rights (disclosure, correction, erasure) are exercised by the holder agency or the
network's coordinator; the use cases check which agency holds the referral.
"""

from __future__ import annotations

from tsunagu.auth import Role
from tsunagu.auth.policy import AccessPolicy, allow

AGENCY = allow(Role.AGENCY)
HOLDER_OR_COORDINATOR = allow(Role.AGENCY, Role.COORDINATOR)
REFERRAL = "/v1/referrals/{referral_id}"

ACCESS: AccessPolicy = {
    ("POST", "/v1/referrals"): AGENCY,
    ("GET", "/v1/referrals"): allow(Role.AGENCY, own_agency="agency_id"),
    ("GET", REFERRAL): AGENCY,
    **{
        ("POST", f"{REFERRAL}/{action}"): AGENCY
        for action in ("accept", "decline", "handoff", "close", "cancel")
    },
    ("POST", f"{REFERRAL}/links"): AGENCY,
    ("GET", f"{REFERRAL}/links"): AGENCY,
    ("POST", f"{REFERRAL}/subject/erase"): HOLDER_OR_COORDINATOR,
    ("POST", f"{REFERRAL}/subject/correct"): HOLDER_OR_COORDINATOR,
    ("GET", f"{REFERRAL}/subject/disclosure"): HOLDER_OR_COORDINATOR,
    ("GET", f"{REFERRAL}/access-log"): AGENCY,
    ("GET", "/v1/referrals/provision-records"): allow(
        Role.AGENCY, Role.AUDITOR, own_agency="agency_id"
    ),
    ("GET", "/v1/referrals/stats"): allow(
        Role.AGENCY, Role.COORDINATOR, Role.OPERATOR, Role.AUDITOR, own_agency="agency_id"
    ),
    ("GET", "/v1/referrals/stats/overdue"): allow(
        Role.AGENCY, Role.COORDINATOR, Role.OPERATOR, Role.AUDITOR, own_agency="agency_id"
    ),
}

"""Who calls: access tokens verified through the issuer's metadata, and the roles they carry.

The pure parts are exported here; the verifier lives in `tsunagu.auth.verifier` (with the key
discovery in `tsunagu.auth.discovery`) and the FastAPI edge in `tsunagu.web.bearer`.
"""

from .claims import (
    ACCESS_TOKEN_TYPE,
    AGENCY_CLAIM,
    REQUIRED_CLAIMS,
    ROLE_CLAIM,
    SIGNING_ALGORITHMS,
    InvalidClaims,
    Principal,
    Role,
    check_role_and_agency,
    principal_from_claims,
)

__all__ = [
    "ACCESS_TOKEN_TYPE",
    "AGENCY_CLAIM",
    "REQUIRED_CLAIMS",
    "ROLE_CLAIM",
    "SIGNING_ALGORITHMS",
    "InvalidClaims",
    "Principal",
    "Role",
    "check_role_and_agency",
    "principal_from_claims",
]

"""Who may call each route of the four services: the table the access matrix enforces and the
fuzzing reads to pick each route's caller."""

from __future__ import annotations

BAD_TOKENS = ("no token", "expired", "wrong audience", "wrong issuer", "bad signature", "alg none")
PRINCIPALS = ("coordinator", "auditor", "operator", "own agency", "another agency")
OK, DENIED, HIDDEN, UNAUTHENTICATED, PUBLIC = "ok", "403", "404", "401", "public"


def row(*, coordinator: str = DENIED, auditor: str = DENIED, operator: str = DENIED,
        own: str = DENIED, other: str = DENIED) -> dict[str, str]:  # fmt: skip
    """The expected answer to each principal (bad tokens always get 401 unless public)."""
    return dict(zip(PRINCIPALS, (coordinator, auditor, operator, own, other), strict=True))


EVERYONE = row(coordinator=OK, auditor=OK, operator=OK, own=OK, other=OK)
OPEN = dict.fromkeys(PRINCIPALS, PUBLIC)
AGENCY_ONLY = row(own=OK)
PARTY_ONLY = row(own=OK, other=HIDDEN)
HOLDER_OR_COORDINATOR = row(coordinator=OK, own=OK, other=HIDDEN)
OPERATIONS = {
    ("GET", "/healthz"): OPEN,
    ("GET", "/readyz"): OPEN,
    ("GET", "/metrics"): row(operator=OK),
}
R = "/v1/referrals/{referral_id}"
EXPECTED: dict[str, dict[tuple[str, str], dict[str, str]]] = {
    "directory": {
        **OPERATIONS,
        ("POST", "/v1/agencies"): row(coordinator=OK),
        ("GET", "/v1/agencies"): EVERYONE,
        ("GET", "/v1/agencies/{agency_id}"): EVERYONE,
        ("PATCH", "/v1/agencies/{agency_id}"): row(coordinator=OK, own=OK),
        ("DELETE", "/v1/agencies/{agency_id}"): row(coordinator=OK),
        ("DELETE", "/v1/agencies/{agency_id}/locations/{location_id}"): row(coordinator=OK, own=OK),
        ("GET", "/v1/categories"): EVERYONE,
        ("GET", "/v1/areas"): EVERYONE,
        ("GET", "/v1/directory/export"): EVERYONE,
        ("POST", "/v1/directory/import"): row(coordinator=OK),
        ("GET", "/.well-known/oauth-authorization-server"): OPEN,
        ("GET", "/.well-known/jwks.json"): OPEN,
        ("POST", "/oauth/token"): OPEN,
        ("POST", "/v1/clients"): row(coordinator=OK),
        ("GET", "/v1/clients"): row(coordinator=OK),
        ("DELETE", "/v1/clients/{client_id}"): row(coordinator=OK),
    },
    "referrals": {
        **OPERATIONS,
        ("POST", "/v1/referrals"): row(own=OK),  # another agency cannot refer from this one
        ("GET", "/v1/referrals"): row(own=OK),  # another agency cannot list this one's
        ("GET", R): PARTY_ONLY,
        **{("POST", f"{R}/{a}"): PARTY_ONLY for a in ("accept", "decline", "handoff")},
        **{("POST", f"{R}/{a}"): PARTY_ONLY for a in ("close", "cancel")},
        ("POST", f"{R}/links"): PARTY_ONLY,
        ("GET", f"{R}/links"): PARTY_ONLY,
        ("POST", f"{R}/subject/erase"): HOLDER_OR_COORDINATOR,
        ("POST", f"{R}/subject/correct"): HOLDER_OR_COORDINATOR,
        ("GET", f"{R}/subject/disclosure"): HOLDER_OR_COORDINATOR,
        ("GET", f"{R}/access-log"): PARTY_ONLY,  # the holder; another party gets 403
        ("GET", "/v1/referrals/provision-records"): row(own=OK, auditor=OK),
        ("GET", "/v1/referrals/stats"): row(coordinator=OK, auditor=OK, operator=OK, own=OK),
        ("GET", "/v1/referrals/stats/overdue"): row(
            coordinator=OK, auditor=OK, operator=OK, own=OK
        ),
    },
    "notifications": {
        **OPERATIONS,
        ("GET", "/v1/agencies/{agency_id}/inbox"): AGENCY_ONLY,
        ("POST", "/v1/agencies/{agency_id}/inbox/{notification_id}/read"): AGENCY_ONLY,
        ("POST", "/v1/agencies/{agency_id}/webhook-secret"): AGENCY_ONLY,
        ("POST", "/v1/agencies/{agency_id}/webhook-secret/rotate"): row(coordinator=OK, own=OK),
    },
    "audit": {
        **OPERATIONS,
        ("GET", "/v1/audit/records"): row(auditor=OK),
        ("GET", "/v1/audit/verify"): row(auditor=OK),
        ("GET", "/v1/audit/export"): row(auditor=OK),
        ("GET", "/v1/audit/checkpoint"): row(auditor=OK),
        ("GET", "/v1/audit/verifier-key"): row(auditor=OK),
        ("GET", "/v1/audit/leaves/{index}"): row(auditor=OK),
        ("GET", "/v1/audit/proofs/inclusion"): row(auditor=OK),
        ("GET", "/v1/audit/proofs/consistency"): row(auditor=OK),
        ("POST", "/v1/audit/checkpoint/cosignatures"): row(auditor=OK),
    },
}

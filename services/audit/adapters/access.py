"""Who may call each route of audit (see the table in docs/api.md): auditors only."""

from __future__ import annotations

from tsunagu.auth import Role
from tsunagu.auth.policy import AccessPolicy, allow

AUDITOR = allow(Role.AUDITOR)

ROUTES = (
    "GET /v1/audit/records",
    "GET /v1/audit/verify",
    "GET /v1/audit/export",
    "GET /v1/audit/checkpoint",
    "GET /v1/audit/verifier-key",
    "GET /v1/audit/leaves/{index}",
    "GET /v1/audit/proofs/inclusion",
    "GET /v1/audit/proofs/consistency",
    # a witness cosigns with an auditor's credential; its key must also be configured
    "POST /v1/audit/checkpoint/cosignatures",
)

ACCESS: AccessPolicy = {(route.split()[0], route.split()[1]): AUDITOR for route in ROUTES}

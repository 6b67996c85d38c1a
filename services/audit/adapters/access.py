"""Who may call each route of audit (see the table in docs/api.md): auditors only."""

from __future__ import annotations

from tsunagu.auth import Role
from tsunagu.auth.policy import AccessPolicy, allow

AUDITOR = allow(Role.AUDITOR)

ACCESS: AccessPolicy = {
    ("GET", "/v1/audit/records"): AUDITOR,
    ("GET", "/v1/audit/verify"): AUDITOR,
    ("GET", "/v1/audit/export"): AUDITOR,
    ("GET", "/v1/audit/checkpoint"): AUDITOR,
    ("GET", "/v1/audit/verifier-key"): AUDITOR,
    ("GET", "/v1/audit/leaves/{index}"): AUDITOR,
    ("GET", "/v1/audit/proofs/inclusion"): AUDITOR,
    ("GET", "/v1/audit/proofs/consistency"): AUDITOR,
    # a witness cosigns with an auditor's credential; its key must also be configured
    ("POST", "/v1/audit/checkpoint/cosignatures"): AUDITOR,
}

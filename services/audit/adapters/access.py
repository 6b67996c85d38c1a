"""Who may call each route of audit (see the table in docs/api.md): auditors only."""

from __future__ import annotations

from tsunagu.auth import Role
from tsunagu.auth.policy import AccessPolicy, allow

AUDITOR = allow(Role.AUDITOR)

ACCESS: AccessPolicy = {
    ("GET", "/v1/audit/records"): AUDITOR,
    ("GET", "/v1/audit/verify"): AUDITOR,
    ("GET", "/v1/audit/export"): AUDITOR,
}

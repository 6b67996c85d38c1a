"""Who may call each route of the directory (see the table in docs/api.md)."""

from __future__ import annotations

from tsunagu.auth import Role
from tsunagu.auth.policy import PUBLIC, AccessPolicy, allow

EVERYONE = allow(Role.AGENCY, Role.COORDINATOR, Role.AUDITOR, Role.OPERATOR)
COORDINATOR = allow(Role.COORDINATOR)
ITSELF_OR_COORDINATOR = allow(Role.AGENCY, Role.COORDINATOR, own_agency="agency_id")

ACCESS: AccessPolicy = {
    ("POST", "/v1/agencies"): COORDINATOR,
    ("GET", "/v1/agencies"): EVERYONE,
    ("GET", "/v1/agencies/{agency_id}"): EVERYONE,
    ("PATCH", "/v1/agencies/{agency_id}"): ITSELF_OR_COORDINATOR,
    ("DELETE", "/v1/agencies/{agency_id}"): COORDINATOR,
    ("DELETE", "/v1/agencies/{agency_id}/locations/{location_id}"): ITSELF_OR_COORDINATOR,
    ("GET", "/v1/categories"): EVERYONE,
    ("GET", "/v1/areas"): EVERYONE,
    ("GET", "/v1/directory/export"): EVERYONE,
    ("POST", "/v1/directory/import"): COORDINATOR,
}
"""The directory's own routes."""

ISSUER_ACCESS: AccessPolicy = {
    ("GET", "/.well-known/oauth-authorization-server"): PUBLIC,
    ("GET", "/.well-known/jwks.json"): PUBLIC,
    ("POST", "/oauth/token"): PUBLIC,
    ("POST", "/v1/clients"): COORDINATOR,
    ("GET", "/v1/clients"): COORDINATOR,
    ("DELETE", "/v1/clients/{client_id}"): COORDINATOR,
}
"""The built-in issuer's routes: its public endpoints, and clients managed by the coordinator."""

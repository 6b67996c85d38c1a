"""Who may call each route of notifications (see the table in docs/api.md)."""

from __future__ import annotations

from tsunagu.auth import Role
from tsunagu.auth.policy import AccessPolicy, Rule, allow

INBOX = "/v1/agencies/{agency_id}/inbox"


def access(coordinator_agency_id: str | None) -> AccessPolicy:
    """An agency reads its own inbox; the coordinator also the coordinator agency's (escalations).

    The coordinator agency is named by id only, never by a name anyone could register.
    """
    inbox = Rule(
        roles=frozenset({Role.AGENCY}),
        own_agency="agency_id",
        delegates={Role.COORDINATOR: coordinator_agency_id},
    )
    return {
        ("GET", INBOX): inbox,
        ("POST", INBOX + "/{notification_id}/read"): inbox,
        ("POST", "/v1/agencies/{agency_id}/webhook-secret"): allow(
            Role.AGENCY, own_agency="agency_id"
        ),
        # the coordinator may rotate any agency's secret (it never sees the new one)
        ("POST", "/v1/agencies/{agency_id}/webhook-secret/rotate"): allow(
            Role.AGENCY, Role.COORDINATOR, own_agency="agency_id"
        ),
    }

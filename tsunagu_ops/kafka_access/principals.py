"""The names of Kafka principals: one per service, one per agency's own system."""

from __future__ import annotations


def service_principal(service: str) -> str:
    """The Kafka user name of a service."""
    return f"tsunagu-{service}"


def agency_principal(agency_id: str) -> str:
    """The Kafka user name of an agency's own system."""
    return f"agency-{agency_id}"

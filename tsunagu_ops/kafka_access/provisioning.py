"""Provisioning a broker's principals: the services' ACLs and topics, and agencies on demand."""

from __future__ import annotations

from tsunagu.messaging.login import KafkaLogin
from tsunagu_ops.kafka_access.admin import create_acls, create_topics, upsert_scram_user
from tsunagu_ops.kafka_access.policy import (
    SERVICE_ACCESS,
    agency_bindings,
    service_bindings,
    stack_topics,
)
from tsunagu_ops.kafka_access.principals import agency_principal
from tsunagu_schemas.topics import agency_topic


async def provision_services(admin: KafkaLogin, brokers: int | None = None) -> int:
    """Create the event and dead-letter topics and every service's ACLs; return the ACL count.

    Topics are replicated for `brokers` (default: as many as the cluster lists now). The
    services' SCRAM users exist from the moment storage is formatted.
    """
    await create_topics(admin, stack_topics(), brokers=brokers)
    bindings = [binding for service in SERVICE_ACCESS for binding in service_bindings(service)]
    return await create_acls(admin, bindings)


async def grant_agency(admin: KafkaLogin, agency_id: str, password: str) -> str:
    """Create (or reset) an agency's SCRAM user, its topic and its ACLs; return its user name."""
    user = agency_principal(agency_id)
    await upsert_scram_user(admin, user, password)
    await create_topics(admin, [agency_topic(agency_id)])
    await create_acls(admin, agency_bindings(agency_id))
    return user
